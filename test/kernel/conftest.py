"""Shared by the kernel tier: a fresh tsdl kernel per test, shut down whatever the test did."""
import pytest
from jupyter_client.manager import start_new_kernel


@pytest.fixture()
def kernel():
    km, kc = start_new_kernel(kernel_name="tsdl")
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)
