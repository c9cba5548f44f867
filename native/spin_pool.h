// A second core for the small products of inference (matmul.cc): threads of our own that spin for a
// while between jobs instead of sleeping, as OpenMP's do when told to (OMP_WAIT_POLICY=ACTIVE).
#pragma once
#include <functional>

// Runs f(0) .. f(parts - 1), f(0) on the calling thread and the others on the pool's threads, and
// returns when all are done. parts is at most max_threads; 1 runs f(0) alone.
void split(int parts, const std::function<void(int)>& f);

// Sends spinning pool threads to sleep now: called before an OpenMP region, whose threads want the
// cores the pool would spin on.
void park_pool();
