"""The kernel survives bad input: malformed and wrongly signed messages, rejected promises, errors in a row."""
import json

import zmq


def test_malformed_and_unsigned_messages_are_dropped_and_the_kernel_goes_on(kernel):
    km, kc = kernel
    info = km.get_connection_info()
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    header = json.dumps({"msg_id": "x", "msg_type": "execute_request", "session": "s", "username": "u", "date": "", "version": "5.3"})
    content = json.dumps({"code": "process.exit(3)", "silent": False})
    sock.send_multipart([b"<IDS|MSG>", b"0" * 64, header.encode(), b"{}", b"{}", content.encode()])  # wrong signature
    sock.send_multipart([b"<IDS|MSG>", b"sig"])  # too few frames
    sock.send_multipart([b"no delimiter at all"])
    sock.send_multipart([b"<IDS|MSG>", b"", b"not json", b"{}", b"{}", b"{}"])
    sock.close(linger=0)
    reply = kc.execute_interactive("1 + 1", timeout=30)
    assert reply["content"]["status"] == "ok"
    assert km.is_alive()


def test_errors_in_a_row_never_drop_the_next_cell(kernel):
    km, kc = kernel
    outputs = []
    for i in range(5):
        r = kc.execute_interactive(f"throw new Error('e{i}')", timeout=30, output_hook=lambda m: None)
        assert r["content"]["status"] == "error"
        r = kc.execute_interactive(f"{i} * 10", timeout=30, output_hook=lambda m: outputs.append(m) if m["msg_type"] == "execute_result" else None)
        assert r["content"]["status"] == "ok"
    assert [m["content"]["data"]["text/plain"] for m in outputs] == ["0", "10", "20", "30", "40"]
    r = kc.execute_interactive("Promise.reject(new Error('nobody awaits me')); 'after'", timeout=30, output_hook=lambda m: None)
    assert r["content"]["status"] == "ok"
    r = kc.execute_interactive("await new Promise((r) => setTimeout(r, 50)); 'alive'", timeout=30, output_hook=lambda m: None)
    assert r["content"]["status"] == "ok"
    assert km.is_alive()


def test_kernel_info_names_the_version_and_backend_and_restart_works(kernel):
    km, kc = kernel
    info = kc.kernel_info(reply=True)["content"]
    assert info["status"] == "ok"
    assert info["implementation"] == "tsdl"
    assert info["language_info"]["name"] == "typescript"
    # What JupyterLab 4 (CodeMirror 6) and classic Notebook need for TypeScript highlighting, and no
    # debugger panel offered for a kernel without the debug protocol.
    assert info["language_info"]["codemirror_mode"] == "typescript"
    assert info["language_info"]["mimetype"] == "text/typescript"
    assert info["language_info"]["pygments_lexer"] == "typescript"
    assert info["debugger"] is False
    assert "Backend: wasm" in info["banner"] or "Backend: " in info["banner"]
    kc.execute_interactive("const kept = 1", timeout=30)
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    r = kc.execute_interactive("typeof kept", timeout=30, output_hook=lambda m: None)
    assert r["content"]["status"] == "error"  # a fresh kernel: `kept` is gone


def test_input_asks_the_frontend_over_stdin(kernel):
    km, kc = kernel
    prompts = []

    def answer(msg):
        prompts.append(msg["content"]["prompt"])
        kc.input("ada")

    results = []
    r = kc.execute_interactive(
        "const who = await input('Name? '); who.toUpperCase()",
        timeout=30,
        allow_stdin=True,
        stdin_hook=answer,
        output_hook=lambda m: results.append(m["content"]["data"]["text/plain"]) if m["msg_type"] == "execute_result" else None,
    )
    assert r["content"]["status"] == "ok"
    assert prompts == ["Name? "]
    assert results == ["'ADA'"]
    r = kc.execute_interactive("await input('x')", timeout=30, allow_stdin=False, output_hook=lambda m: None)
    assert r["content"]["ename"] == "StdinNotImplementedError"
