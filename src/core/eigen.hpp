// Eigen, included the one way this project includes it, plus the matrix aliases the core uses.
#pragma once

// A matrix product packs its operands into scratch blocks. Eigen puts blocks up to this many bytes on the
// stack and heap-allocates bigger ones on every product. Its 3.4 blocking heuristic keeps the blocks below about
// the L2 size (1.5 MB at most), and the training step's blocks measured 270-400 KB, more than the default
// 128 KB. A 2 MB limit keeps every product off the heap, so a training step allocates nothing (tested). The
// stacks are big enough: 8 MB on Linux's main thread, and the web build links with an 8 MB stack.
#define EIGEN_STACK_ALLOCATION_LIMIT (2 * 1024 * 1024)

// In the WebAssembly build Eigen's SSE path runs on wasm SIMD through Emscripten's SSE headers. clang
// reports itself as GCC 4.2, which makes Eigen emit x86 inline asm (in pmin and the GEBP kernel) that
// wasm cannot assemble; telling Eigen "not GCC" after its macros are set up removes exactly that asm.
#if defined(__EMSCRIPTEN__) && defined(__SSE2__)
#include <Eigen/src/Core/util/Macros.h>
#undef EIGEN_COMP_GNUC
#define EIGEN_COMP_GNUC 0
#undef EIGEN_GNUC_AT_LEAST
#define EIGEN_GNUC_AT_LEAST(x, y) 0
#endif
// GCC 12 reports its own AVX-512 intrinsics (the _mm512_undefined_* placeholders, reached through Eigen's
// AVX-512 path under -march=native) as maybe-uninitialized: GCC bug 105593, fixed in GCC 13. The warning is
// silenced only for code located in the headers included here.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#include <Eigen/Dense>
#pragma GCC diagnostic pop
#else
#include <Eigen/Dense>
#endif

#include <vector>

namespace latent {

// Buffers the arithmetic reads and writes are aligned to Eigen's widest packet (64 bytes with AVX-512). Where
// a buffer starts decides how vectorised loops split their work (a scalar head until the first aligned
// element), and so the order of floating-point sums: with malloc's 16-byte alignment, the same seed gave
// different weights in runs whose heap happened to be laid out differently (tests/unit/test_cli.cpp).
template <class T> using AlignedVector = std::vector<T, Eigen::aligned_allocator<T>>;

// Activations and batches: one sample per column, column-major.
template <class T> using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
// Dense weights: (out, in) row-major, the same bytes as PyTorch's Linear.weight and the safetensors file.
template <class T> using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T> using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

template <class T> using MatrixMap = Eigen::Map<Matrix<T>>;
template <class T> using ConstMatrixMap = Eigen::Map<const Matrix<T>>;
template <class T> using RowMatrixMap = Eigen::Map<RowMatrix<T>>;
template <class T> using ConstRowMatrixMap = Eigen::Map<const RowMatrix<T>>;
template <class T> using VectorMap = Eigen::Map<Vector<T>>;
template <class T> using ConstVectorMap = Eigen::Map<const Vector<T>>;

}  // namespace latent
