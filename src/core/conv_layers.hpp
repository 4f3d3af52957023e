// Convolutional layers as forward/backward pairs: 2-D convolution (stride 1, odd square kernels, 'same' or 'valid'
// padding), 2x2 max pooling with Keras' 'same' (ceil) rounding, 2x nearest upsampling, and the joints between
// images and dense layers. Templated on the scalar so the tests check every gradient in double precision.
//
// Layout: a batch of N images of C channels, each H x W, is stored channel by channel, then image by image, then
// row by row: element (c, n, y, x) at ((c * N + n) * H + y) * W + x ("CNHW"). As a matrix it is (N*H*W, C),
// column-major: one column per channel. So a convolution over a whole block of images is one matrix product
// (im2col: a column per kernel tap, a row per output pixel), and a one-channel image batch (the input, the
// output) is the same bytes as the dense layers' layout (one image per column of 784 pixels). Dense layers read
// images as PyTorch's nn.Flatten does, channel by channel (CHW per image): images_to_columns converts.
//
// Weights are PyTorch's Conv2d layout, (out, in, k, k) row-major: the same bytes as the safetensors file. As a
// column-major (in*k*k, out) matrix they are the transposed kernel the im2col product needs, at no cost.
//
// Why im2col and a matrix product: measured on 2026-12-05 against direct loops over zero-padded, flattened planes
// (forward and backward of 256 images, one thread, -march=native), on the Keras model's seven layers. im2col was
// faster wherever the input planes are small or the first layer's one input channel feeds many outputs (1 -> 16 at
// 28 x 28: 6 ms against 11; 8 -> 8 at 7 x 7: 3 ms against 6), and much slower for the decoder's last layer, 16 -> 1
// at 28 x 28 (38 ms against 11), where the taps' copy costs as much as the product: that layer wants a direct
// kernel. The machine's timings vary by a third from run to run; the whole stack took 55-85 ms either way.
// Since then the direct loops hold several outputs' sums in registers (below) and win on every layer in WebAssembly,
// and natively on the narrow layers; im2col stays for a one-channel input and for wide layers (use_direct).
#pragma once

#include <algorithm>
#include <limits>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/eigen.hpp"

namespace latent {

enum class Padding { Same, Valid };

struct ImageShape {
  int channels = 1;
  int height = 28;
  int width = 28;
  int pixels() const { return height * width; }
  int size() const { return channels * height * width; }  // numbers per image
  bool operator==(const ImageShape&) const = default;
};

// A convolution's output shape: 'same' keeps the size, 'valid' loses k - 1 rows and columns.
inline ImageShape conv_output(ImageShape in, int out_channels, int k, Padding padding) {
  const int lost = padding == Padding::Same ? 0 : k - 1;
  return {out_channels, in.height - lost, in.width - lost};
}
// 2x2 max pooling, stride 2, rounding up as Keras' padding='same' does (7 -> 4: the last row and column pool alone).
inline ImageShape pool_output(ImageShape in) { return {in.channels, (in.height + 1) / 2, (in.width + 1) / 2}; }
inline ImageShape upsample_output(ImageShape in) { return {in.channels, 2 * in.height, 2 * in.width}; }

// The scratch an im2col block needs, in scalars: `images` images' kernel taps, one row per output pixel.
inline std::size_t conv_scratch(ImageShape in, int k, Padding padding, int images) {
  const ImageShape o = conv_output(in, 1, k, padding);
  return static_cast<std::size_t>(images) * static_cast<std::size_t>(o.pixels()) * static_cast<std::size_t>(in.channels * k * k);
}
// How many images a convolution takes per im2col block: as many as keep the block within about 1 MB of floats,
// so it stays in the cache the product reads it from; at least one.
inline int conv_block_images(ImageShape in, int k, Padding padding) {
  const std::size_t one = conv_scratch(in, k, padding, 1);
  return static_cast<int>(std::max<std::size_t>(1, (std::size_t{1} << 18) / std::max<std::size_t>(one, 1)));
}

namespace conv_detail {

// Visits every row of the im2col block of images [first, first + m) of the batch (n images): for kernel tap
// (c, ky, kx), image j and output row y, visit(row, plane_row, x0, x1, shift) gets the block's row (o.width values,
// one per output column), the input plane's row that tap reads (nullptr when it lies outside the image), the output
// columns [x0, x1) whose input column x + shift lies inside the image, and that shift.
template <class T, class Plane, class Visit>
void for_each_tap_row(T* cols, Plane* images, ImageShape s, int n, int first, int m, int k, Padding padding, Visit visit) {
  const ImageShape o = conv_output(s, 1, k, padding);
  const int pad = padding == Padding::Same ? k / 2 : 0;
  const std::size_t rows = static_cast<std::size_t>(m) * static_cast<std::size_t>(o.pixels());
  for (int c = 0; c < s.channels; ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx) {
        T* col = cols + static_cast<std::size_t>((c * k + ky) * k + kx) * rows;
        const int x0 = std::max(0, pad - kx), x1 = std::max(x0, std::min(o.width, s.width + pad - kx));
        for (int j = 0; j < m; ++j) {
          Plane* plane = images + (static_cast<std::size_t>(c) * n + first + j) * static_cast<std::size_t>(s.pixels());
          for (int y = 0; y < o.height; ++y) {
            const int iy = y + ky - pad;
            Plane* source = iy < 0 || iy >= s.height ? nullptr : plane + static_cast<std::size_t>(iy) * s.width;
            visit(col + (static_cast<std::size_t>(j) * o.height + y) * o.width, source, x0, x1, kx - pad);
          }
        }
      }
    }
  }
}

// The im2col block: column (c, ky, kx) holds, for every output pixel of every image in the block, the input pixel
// that kernel tap reads (0 outside the image).
template <class T>
void im2col(T* cols, const T* in, ImageShape s, int n, int first, int m, int k, Padding padding) {
  const int width = conv_output(s, 1, k, padding).width;
  for_each_tap_row(cols, in, s, n, first, m, k, padding, [width](T* row, const T* source, int x0, int x1, int shift) {
    if (source == nullptr) {
      std::fill(row, row + width, T(0));
      return;
    }
    std::fill(row, row + x0, T(0));
    std::copy(source + x0 + shift, source + x1 + shift, row + x0);
    std::fill(row + x1, row + width, T(0));
  });
}

// The reverse of im2col: adds every column's values back onto the input pixels they came from.
template <class T>
void col2im_add(T* din, T* cols, ImageShape s, int n, int first, int m, int k, Padding padding) {
  for_each_tap_row(cols, din, s, n, first, m, k, padding, [](T* row, T* target, int x0, int x1, int shift) {
    if (target == nullptr) return;
    for (int x = x0; x < x1; ++x) target[x + shift] += row[x];
  });
}

// Direct convolution, for layers with few output channels (the decoder's last, 16 -> 1), where im2col would copy
// every input pixel k*k times for a product with one column. Each image's planes are copied into zero-padded planes
// (H + 2 pad rows of W + 2 pad), flattened; then a kernel tap is a shift along the flattened plane, and one pass over
// the output (computed on the padded width, its extra columns dropped at the end) adds every tap's weight times the
// plane shifted by that tap, a block of outputs at a time held in registers (every input channel and tap summed before
// the block is stored). The backward walks the same shifts: passes over the output's gradient give the taps' weight
// gradients (dot products with the shifted plane), and one pass per input channel gives its gradient (every output
// channel's gradient shifted back by each tap, times the weight). Replacing a pass per tap (load, add, store) with
// these took the whole model's training natively from 4,250-4,560 to 5,350-5,590 images/s (2026-12-05, one thread).
//
// Outputs per register block: the sums (taps_sum) take 16 natively, 8 in WebAssembly (its vectors hold 4); the dot
// products 8 natively, 4 in WebAssembly (one register each, so that a pass can share its loads over two outputs). Measured 2026-12-05 on the Keras model's layers natively (AVX-512, 256 images, one thread):
// 16 lanes for both took the direct layers from 28 to 24 ms, but made the small planes' weight gradients slower
// (8 -> 8 at 4 x 4: 0.30 -> 0.80 ms), where more of each block lies past the plane.
#ifdef __EMSCRIPTEN__
inline constexpr int kSumLanes = 8;
inline constexpr int kDotLanes = 4;
#else
inline constexpr int kSumLanes = 16;
inline constexpr int kDotLanes = 8;
#endif

struct DirectGeometry {
  int k, pad, rows, cols, out_rows, out_cols;
  int flat;      // the outputs on the padded width, rounded up to whole blocks of sums
  int dot_flat;  // the same, rounded up to whole blocks of dot products
  int margin;  // the largest shift, k - 1 rows and columns: zeros before the output's gradient for the backward
  int plane;   // a padded input plane, long enough for every shift of every block
  int grad;    // an output gradient with its margins
  DirectGeometry(ImageShape s, int k_, Padding padding)
      : k(k_), pad(padding == Padding::Same ? k_ / 2 : 0), rows(s.height + 2 * pad), cols(s.width + 2 * pad),
        out_rows(rows - k + 1), out_cols(cols - k + 1), flat(round_up(out_rows * cols, kSumLanes)),
        dot_flat(round_up(out_rows * cols, kDotLanes)), margin((k - 1) * cols + k - 1),
        plane(round_up(rows * cols, kSumLanes) + margin + kSumLanes), grad(margin + plane) {}
  static int round_up(int n, int lanes) { return (n + lanes - 1) / lanes * lanes; }
  int shift(int t) const { return (t / k) * cols + t % k; }  // tap t = ky k + kx
  // Scratch: the padded input planes and their gradients, and the outputs (or their gradients, with margins).
  std::size_t scratch(ImageShape s, int out_channels) const {
    return 2 * static_cast<std::size_t>(s.channels) * plane + static_cast<std::size_t>(out_channels) * grad;
  }
};

// Copies `rows` rows of `width` values, `src_stride` and `dst_stride` apart (src and dst apart in memory). The rows
// here are short (4 to 30 values), and a C library call per row cost more than the copy: the copies are 32- and
// 16-byte moves of fixed size, the last one of a row overlapping the one before it.
template <class T>
void copy_rows(T* dst, std::size_t dst_stride, const T* src, std::size_t src_stride, int rows, int width) {
  constexpr int kWide = 32 / sizeof(T), kNarrow = 16 / sizeof(T);
  for (int y = 0; y < rows; ++y, dst += dst_stride, src += src_stride) {
    if (width >= kWide) {
      for (int x = 0; x + kWide <= width; x += kWide) std::memcpy(dst + x, src + x, 32);
      std::memcpy(dst + width - kWide, src + width - kWide, 32);
    } else if (width >= kNarrow) {
      std::memcpy(dst, src, 16);
      std::memcpy(dst + width - kNarrow, src + width - kNarrow, 16);
    } else {
      for (int x = 0; x < width; ++x) dst[x] = src[x];
    }
  }
}

template <class T> void pad_planes(T* padded, const T* in, ImageShape s, int n, int j, const DirectGeometry& g) {
  for (int c = 0; c < s.channels; ++c) {
    const T* src = in + (static_cast<std::size_t>(c) * n + j) * static_cast<std::size_t>(s.pixels());
    T* dst = padded + static_cast<std::size_t>(c) * g.plane + static_cast<std::size_t>(g.pad) * g.cols + g.pad;
    copy_rows(dst, g.cols, src, s.width, s.height, s.width);
  }
}

// W scalars as one value of GCC's and Clang's vector extensions, so the loops below are written over whole blocks:
// left to itself, GCC vectorised the loop over taps instead (with gathers), at a third of the speed.
template <class T, int W> struct LaneVector {
  typedef T type __attribute__((vector_size(W * sizeof(T))));
};
template <class T, int W> using Lanes = typename LaneVector<T, W>::type;
template <int W, class T> Lanes<T, W> load_lanes(const T* p) {
  Lanes<T, W> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <int W, class T> void store_lanes(T* p, Lanes<T, W> v) { std::memcpy(p, &v, sizeof v); }

// The outputs of one taps_sum call: output g is written at a + g * stride, starts from start[g] (0 when start is
// null), and takes its weights from w + g * weight_step.
template <class T> struct TapOutputs {
  T* a;
  std::size_t stride;
  const T* start;
  const T* w;
  std::size_t weight_step;
};

// For G outputs g at once: a_g[i] = start_g + sum over planes p, taps t of w_g[p][t] x[p][i + shift[t]], for i in
// [0, n), n a whole number of blocks: planes `plane_stride` apart, each plane's taps `weight_stride` weights apart.
// Each output's block sums every plane and tap in a register before it is stored once; G blocks side by side share
// each load of x and keep G sums in flight (one alone waits on its own adds). 8 outputs at a time natively and 4 in
// WebAssembly (2026-12-05, 256 images, one thread): the forward of 16 -> 8 at 14 x 14 went from 29 to 58 GFLOP/s
// natively, the Keras model's seven layers forward and backward from 95 to 81 ms in Node 20.
template <int G, int B, class T>
void taps_sum(const TapOutputs<T>& out, const T* __restrict x, std::size_t plane_stride, int planes,
              std::size_t weight_stride, const int* shift, int taps, int n) {
  constexpr int W = kSumLanes;
  for (int i = 0; i < n; i += B * W) {
    Lanes<T, W> acc[G][B];
    for (int g = 0; g < G; ++g)
      for (int b = 0; b < B; ++b) acc[g][b] = Lanes<T, W>{} + (out.start == nullptr ? T(0) : out.start[g]);
    for (int p = 0; p < planes; ++p) {
      const T* xp = x + p * plane_stride + i;
      const T* wp = out.w + p * weight_stride;
      for (int t = 0; t < taps; ++t) {
        Lanes<T, W> xt[B];
        for (int b = 0; b < B; ++b) xt[b] = load_lanes<W>(xp + shift[t] + b * W);
        for (int g = 0; g < G; ++g)
          for (int b = 0; b < B; ++b) acc[g][b] += wp[g * out.weight_step + t] * xt[b];
      }
    }
    for (int g = 0; g < G; ++g)
      for (int b = 0; b < B; ++b) store_lanes<W>(out.a + g * out.stride + i + b * W, acc[g][b]);
  }
}

#ifdef __EMSCRIPTEN__
inline constexpr int kSumOutputs = 4;  // 128-bit vectors: each block is two of V8's 16 registers
#else
inline constexpr int kSumOutputs = 8;
#endif
// Blocks side by side when taps_sum runs for one output, so that it too keeps several sums in flight.
#ifdef __EMSCRIPTEN__
inline constexpr int kRunBlocks = 2;
#else
inline constexpr int kRunBlocks = 4;
#endif

// taps_sum for `outputs` outputs, kSumOutputs at a time and the rest one by one.
template <class T>
void all_outputs_sum(TapOutputs<T> out, int outputs, const T* x, std::size_t plane_stride, int planes,
                     std::size_t weight_stride, const int* shift, int taps, int n) {
  auto advance = [&out](int g) {
    out.a += g * out.stride;
    out.w += g * out.weight_step;
    if (out.start != nullptr) out.start += g;
  };
  int o = 0;
  for (; o + kSumOutputs <= outputs; o += kSumOutputs, advance(kSumOutputs))
    taps_sum<kSumOutputs, 1>(out, x, plane_stride, planes, weight_stride, shift, taps, n);
  const int run = n / (kRunBlocks * kSumLanes) * (kRunBlocks * kSumLanes);  // then the last blocks one at a time
  for (; o < outputs; ++o, advance(1)) {
    taps_sum<1, kRunBlocks>(out, x, plane_stride, planes, weight_stride, shift, taps, run);
    TapOutputs<T> tail = out;
    tail.a += run;
    taps_sum<1, 1>(tail, x + run, plane_stride, planes, weight_stride, shift, taps, n - run);
  }
}

// The sum of a block's lanes, halves added pairwise (a fixed order, whatever the data).
template <class T> T lane_sum(Lanes<T, kDotLanes> v) {
  T half[kDotLanes];
  std::memcpy(half, &v, sizeof v);
  for (int width = kDotLanes / 2; width > 0; width /= 2)
    for (int l = 0; l < width; ++l) half[l] += half[l + width];
  return half[0];
}

// The sum of v[0, n), n a whole number of blocks: a block of running sums, then its lanes (a fixed order).
template <class T> T block_total(const T* v, int n) {
  Lanes<T, kDotLanes> part{};
  for (int i = 0; i < n; i += kDotLanes) part += load_lanes<kDotLanes>(v + i);
  return lane_sum<T>(part);
}

// dw_o[t] += sum over i in [0, n) of d_o[i] x[i + shift[t]], for O outputs o (d_o = d + o d_stride, dw_o = dw +
// o dw_stride) and G taps in one pass: O x G blocks of running sums, each load of d and of x shared by G and by O of
// them; then each sum's lanes in a fixed order.
template <int O, int G, class T>
void taps_dot(T* dw, std::size_t dw_stride, const T* __restrict d, std::size_t d_stride, const T* __restrict x,
              const int* shift, int n) {
  constexpr int W = kDotLanes;
  Lanes<T, W> part[O][G] = {};
  for (int i = 0; i < n; i += W) {
    Lanes<T, W> di[O];
    for (int o = 0; o < O; ++o) di[o] = load_lanes<W>(d + o * d_stride + i);
    for (int t = 0; t < G; ++t) {
      const Lanes<T, W> xt = load_lanes<W>(x + shift[t] + i);
      for (int o = 0; o < O; ++o) part[o][t] += di[o] * xt;
    }
  }
  for (int o = 0; o < O; ++o)
    for (int t = 0; t < G; ++t) dw[o * dw_stride + t] += lane_sum<T>(part[o][t]);
}

// Taps and outputs per pass of all_taps_dot: their running sums must stay in registers. WebAssembly's 128-bit
// vectors make each block two registers, and V8 has 16 of them on x86: 3 taps (a kernel row) per pass ran the
// backward of the Keras model's layers 15-25 % faster than 9 in Node 20; natively (AVX-512, 32 registers) 9 taps was
// 30 % faster than 3.
// Outputs per pass: 2 in WebAssembly (4 lanes) took the weight gradients of the Keras model's layers from 18.6-19.7 to
// 17.2-17.9 ms in Node 20; 3 was slower than 1, and so was 2 natively (10.2-10.6 against 10.6-11.4 ms).
#ifdef __EMSCRIPTEN__
inline constexpr int kDotTaps = 3;
inline constexpr int kDotOutputs = 2;
#else
inline constexpr int kDotTaps = 9;
inline constexpr int kDotOutputs = 1;
#endif

// taps_dot over every tap and `outputs` outputs: kDotOutputs x kDotTaps at a time, then the rest.
template <class T>
void all_taps_dot(T* dw, std::size_t dw_stride, const T* d, std::size_t d_stride, int outputs, const T* x,
                  const int* shift, int taps, int n) {
  const auto each_tap = [&](auto outs, T* dwo, const T* dout) {
    int t = 0;
    for (; t + kDotTaps <= taps; t += kDotTaps) taps_dot<outs.value, kDotTaps>(dwo + t, dw_stride, dout, d_stride, x, shift + t, n);
    for (; t < taps; ++t) taps_dot<outs.value, 1>(dwo + t, dw_stride, dout, d_stride, x, shift + t, n);
  };
  int o = 0;
  for (; o + kDotOutputs <= outputs; o += kDotOutputs) each_tap(std::integral_constant<int, kDotOutputs>{}, dw + o * dw_stride, d + o * d_stride);
  for (; o < outputs; ++o) each_tap(std::integral_constant<int, 1>{}, dw + o * dw_stride, d + o * d_stride);
}

// The taps' shifts along a padded plane, forward, and backward from the margin (for the input's gradient).
struct TapShifts {
  std::vector<int> forward, backward;
  explicit TapShifts(const DirectGeometry& g) {
    for (int t = 0; t < g.k * g.k; ++t) {
      forward.push_back(g.shift(t));
      backward.push_back(g.margin - g.shift(t));
    }
  }
};

template <class T>
void direct_forward(T* out, const T* in, const T* weight, const T* bias, ImageShape s, int out_channels, int k,
                    Padding padding, int n, T* scratch) {
  const DirectGeometry g(s, k, padding);
  const TapShifts shifts(g);
  T* padded = scratch;
  T* acc = scratch + 2 * static_cast<std::size_t>(s.channels) * g.plane;
  std::fill(padded, padded + static_cast<std::size_t>(s.channels) * g.plane, T(0));
  const std::size_t out_pixels = static_cast<std::size_t>(g.out_rows) * g.out_cols;
  for (int j = 0; j < n; ++j) {
    pad_planes(padded, in, s, n, j, g);
    const TapOutputs<T> sums{acc, static_cast<std::size_t>(g.grad), bias, weight, static_cast<std::size_t>(s.channels) * k * k};
    all_outputs_sum(sums, out_channels, padded, g.plane, s.channels, static_cast<std::size_t>(k * k), shifts.forward.data(),
                    k * k, g.flat);
    for (int co = 0; co < out_channels; ++co) {
      const T* a = acc + static_cast<std::size_t>(co) * g.grad;
      T* o = out + (static_cast<std::size_t>(co) * n + j) * out_pixels;
      copy_rows(o, g.out_cols, a, g.cols, g.out_rows, g.out_cols);
    }
  }
}

// One image's output gradients onto the padded width, after their margins (the rest of the buffer stays 0), and
// their sums into dbias.
template <class T>
void spread_gradients(T* grad, T* dbias, const T* dout, int out_channels, int n, int j, const DirectGeometry& g) {
  const std::size_t out_pixels = static_cast<std::size_t>(g.out_rows) * g.out_cols;
  for (int co = 0; co < out_channels; ++co) {
    const T* o = dout + (static_cast<std::size_t>(co) * n + j) * out_pixels;
    T* d = grad + static_cast<std::size_t>(co) * g.grad + g.margin;
    copy_rows(d, g.cols, o, g.out_cols, g.out_rows, g.out_cols);
    dbias[co] += block_total(d, g.dot_flat);  // the padded width's extra columns are 0
  }
}

// One image's input gradient: every output channel's gradient, shifted back by each tap, for every input channel
// (kSumOutputs at a time), then copied from the padded planes into din.
template <class T>
void direct_input_gradient(T* din, T* dpadded, const T* grad, const T* weight, ImageShape s, int out_channels, int n,
                           int j, const DirectGeometry& g, const TapShifts& shifts) {
  const int taps = g.k * g.k;
  const TapOutputs<T> sums{dpadded, static_cast<std::size_t>(g.plane), nullptr, weight, static_cast<std::size_t>(taps)};
  all_outputs_sum(sums, s.channels, grad, static_cast<std::size_t>(g.grad), out_channels,
                  static_cast<std::size_t>(s.channels) * taps, shifts.backward.data(), taps,
                  DirectGeometry::round_up(g.rows * g.cols, kSumLanes));
  for (int c = 0; c < s.channels; ++c) {
    T* dst = din + (static_cast<std::size_t>(c) * n + j) * static_cast<std::size_t>(s.pixels());
    const T* src = dpadded + static_cast<std::size_t>(c) * g.plane + static_cast<std::size_t>(g.pad) * g.cols + g.pad;
    copy_rows(dst, s.width, src, g.cols, s.height, s.width);
  }
}

template <class T>
void direct_backward(T* din, T* dweight, T* dbias, const T* dout, const T* in, const T* weight, ImageShape s,
                     int out_channels, int k, Padding padding, int n, T* scratch) {
  const DirectGeometry g(s, k, padding);
  const TapShifts shifts(g);
  T* padded = scratch;
  T* dpadded = scratch + static_cast<std::size_t>(s.channels) * g.plane;
  T* grad = dpadded + static_cast<std::size_t>(s.channels) * g.plane;
  std::fill(padded, grad + static_cast<std::size_t>(out_channels) * g.grad, T(0));
  const int taps = k * k;
  for (int j = 0; j < n; ++j) {
    pad_planes(padded, in, s, n, j, g);
    spread_gradients(grad, dbias, dout, out_channels, n, j, g);
    for (int c = 0; c < s.channels; ++c) {
      all_taps_dot(dweight + static_cast<std::size_t>(c) * taps, static_cast<std::size_t>(s.channels) * taps, grad + g.margin,
                   static_cast<std::size_t>(g.grad), out_channels, padded + static_cast<std::size_t>(c) * g.plane,
                   shifts.forward.data(), taps, g.dot_flat);
    }
    if (din != nullptr) direct_input_gradient(din, dpadded, grad, weight, s, out_channels, n, j, g, shifts);
  }
}

// Whether a layer takes the direct loops. Measured 2026-12-05, forward and backward of 256 images on one thread,
// after taps_sum took several outputs at once: in WebAssembly (the page's flags, Node 20's V8) the direct loops were
// faster on every layer of the Keras model (the stack: 81 ms, against 121 with im2col and Eigen's products);
// natively (-march=native, AVX-512) they were faster on its narrow layers (16 -> 8 at 14 x 14: 6.8 ms against 10.5;
// 8 -> 16 at 16 x 16: 7.0 against 8.0), im2col where the input has one channel (1 -> 16: 5.0 against 6.0, its block
// only k*k columns) or the layer is wide (32 -> 64 at 14 x 14: 64 ms against 103).
inline bool use_direct(ImageShape in, int out_channels) {
#ifdef __EMSCRIPTEN__
  (void)in;
  (void)out_channels;
  return true;
#else
  return in.channels > 1 && in.channels * out_channels <= 256;
#endif
}

}  // namespace conv_detail

// The im2col block's images for a batch of n, and the scratch it takes: the block, then (for the input's gradient as a
// convolution of the output's gradient, below) the kernel flipped.
inline int conv_block_for(ImageShape in, int k, Padding padding, int n) {
  return std::max(1, std::min(n, conv_block_images(in, k, padding)));
}

inline std::size_t im2col_layer_scratch(ImageShape in, int out_channels, int k, Padding padding, int n) {
  return conv_scratch(in, k, padding, conv_block_for(in, k, padding, n)) +
         static_cast<std::size_t>(in.channels) * out_channels * k * k;
}

// The scratch conv2d_forward and conv2d_backward need for `n` images, in scalars.
inline std::size_t conv_layer_scratch(ImageShape in, int out_channels, int k, Padding padding, int n) {
  if (conv_detail::use_direct(in, out_channels)) return conv_detail::DirectGeometry(in, k, padding).scratch(in, out_channels);
  return im2col_layer_scratch(in, out_channels, k, padding, n);
}

namespace conv_detail {

// A channel-major block: channel columns of `rows` values each, `stride` apart (the whole batch's plane run).
template <class T> using ChannelBlock = Eigen::Map<Matrix<T>, 0, Eigen::OuterStride<>>;
template <class T> using ConstChannelBlock = Eigen::Map<const Matrix<T>, 0, Eigen::OuterStride<>>;

}  // namespace conv_detail

namespace conv_detail {

// conv2d_forward by im2col blocks of conv_block_images images and Eigen's products.
template <class T>
void im2col_forward(T* out, const T* in, const T* weight, const T* bias, ImageShape s, int out_channels, int k,
                    Padding padding, int n, T* scratch) {
  const ImageShape o = conv_output(s, out_channels, k, padding);
  const Eigen::Index taps = s.channels * k * k;
  const ConstMatrixMap<T> w(weight, taps, out_channels);  // (Cin k k, Cout): the kernel, transposed
  const std::size_t plane_run = static_cast<std::size_t>(n) * static_cast<std::size_t>(o.pixels());
  const int block = conv_block_for(s, k, padding, n);
  for (int first = 0; first < n; first += block) {
    const int m = std::min(block, n - first);
    const Eigen::Index rows = static_cast<Eigen::Index>(m) * o.pixels();
    im2col(scratch, in, s, n, first, m, k, padding);
    ChannelBlock<T> y(out + static_cast<std::size_t>(first) * o.pixels(), rows, out_channels,
                      Eigen::OuterStride<>(static_cast<Eigen::Index>(plane_run)));
    y.noalias() = ConstMatrixMap<T>(scratch, rows, taps) * w;
    y.rowwise() += ConstVectorMap<T>(bias, out_channels).transpose();
  }
}

}  // namespace conv_detail

// out (Cout, N, Ho, Wo) = conv(in (Cin, N, H, W), weight (Cout, Cin, k, k)) + bias (Cout), for n images;
// `scratch` holds conv_layer_scratch(in, out_channels, k, padding, n) scalars.
template <class T>
void conv2d_forward(T* out, const T* in, const T* weight, const T* bias, ImageShape s, int out_channels, int k,
                    Padding padding, int n, T* scratch) {
  using namespace conv_detail;
  if (use_direct(s, out_channels)) return direct_forward(out, in, weight, bias, s, out_channels, k, padding, n, scratch);
  im2col_forward(out, in, weight, bias, s, out_channels, k, padding, n, scratch);
}

namespace conv_detail {

// With 'same' padding, the input's gradient is itself a convolution: of the output's gradient with the kernel
// flipped in space and with its channels swapped. Taken where the layer has fewer outputs than inputs: its im2col
// block is then smaller than the taps' gradients col2im would add back (16 -> 8 at 14 x 14: 4 ms against 8).
inline bool gradient_as_convolution(ImageShape in, int out_channels, Padding padding) {
  return padding == Padding::Same && out_channels < in.channels;
}

// flipped (Cout k k, Cin), column-major: flipped[(co, ky, kx), ci] = weight[co, ci, k-1-ky, k-1-kx].
template <class T> void flip_kernel(T* flipped, const T* weight, int in_channels, int out_channels, int k) {
  const int taps = k * k;
  for (int ci = 0; ci < in_channels; ++ci) {
    for (int co = 0; co < out_channels; ++co) {
      const T* w = weight + static_cast<std::size_t>(co * in_channels + ci) * taps;
      T* f = flipped + static_cast<std::size_t>(ci) * out_channels * taps + static_cast<std::size_t>(co) * taps;
      for (int t = 0; t < taps; ++t) f[t] = w[taps - 1 - t];
    }
  }
}

}  // namespace conv_detail

namespace conv_detail {

// Differentiates conv2d_forward, given dout = dL/dout (Cout, N, Ho, Wo):
//   dweight (Cout, Cin, k, k) += sum over pixels of dout * the input tap it read   (as a matrix: cols^T dout)
//   dbias (Cout)              += sum of dout over every pixel of every image
//   din (Cin, N, H, W)         = the taps' gradients dout W, added back where they were read (col2im), or, where
//                                gradient_as_convolution, dout convolved with the flipped kernel
// dweight and dbias are summed into (zero them first); din, when not null, is written.
template <class T>
void im2col_backward(T* din, T* dweight, T* dbias, const T* dout, const T* in, const T* weight, ImageShape s,
                     int out_channels, int k, Padding padding, int n, T* scratch) {
  const ImageShape o = conv_output(s, out_channels, k, padding);
  const Eigen::Index taps = s.channels * k * k;
  const ConstMatrixMap<T> w(weight, taps, out_channels);
  MatrixMap<T> dw(dweight, taps, out_channels);
  VectorMap<T> db(dbias, out_channels);
  const std::size_t plane_run = static_cast<std::size_t>(n) * static_cast<std::size_t>(o.pixels());
  const int block = conv_block_for(s, k, padding, n);
  const bool as_convolution = din != nullptr && gradient_as_convolution(s, out_channels, padding);
  T* flipped = scratch + conv_scratch(s, k, padding, block);
  if (as_convolution) flip_kernel(flipped, weight, s.channels, out_channels, k);
  else if (din != nullptr) std::fill(din, din + static_cast<std::size_t>(s.size()) * n, T(0));
  for (int first = 0; first < n; first += block) {
    const int m = std::min(block, n - first);
    const Eigen::Index rows = static_cast<Eigen::Index>(m) * o.pixels();
    const ConstChannelBlock<T> dy(dout + static_cast<std::size_t>(first) * o.pixels(), rows, out_channels,
                                  Eigen::OuterStride<>(static_cast<Eigen::Index>(plane_run)));
    im2col(scratch, in, s, n, first, m, k, padding);
    MatrixMap<T> cols(scratch, rows, taps);
    dw.noalias() += cols.transpose() * dy;
    db.noalias() += dy.colwise().sum().transpose();
    if (din == nullptr) continue;
    if (as_convolution) {
      const Eigen::Index back_taps = out_channels * k * k;
      im2col(scratch, dout, o, n, first, m, k, padding);
      ChannelBlock<T>(din + static_cast<std::size_t>(first) * s.pixels(), rows, s.channels,
                      Eigen::OuterStride<>(static_cast<Eigen::Index>(static_cast<std::size_t>(n) * s.pixels())))
          .noalias() = ConstMatrixMap<T>(scratch, rows, back_taps) * ConstMatrixMap<T>(flipped, back_taps, s.channels);
      continue;
    }
    cols.noalias() = dy * w.transpose();  // the taps' gradients, over the block's copy of the taps
    col2im_add(din, scratch, s, n, first, m, k, padding);
  }
}

}  // namespace conv_detail

template <class T>
void conv2d_backward(T* din, T* dweight, T* dbias, const T* dout, const T* in, const T* weight, ImageShape s,
                     int out_channels, int k, Padding padding, int n, T* scratch) {
  using namespace conv_detail;
  if (use_direct(s, out_channels)) {
    return direct_backward(din, dweight, dbias, dout, in, weight, s, out_channels, k, padding, n, scratch);
  }
  im2col_backward(din, dweight, dbias, dout, in, weight, s, out_channels, k, padding, n, scratch);
}

namespace conv_detail {

// The rows of pooling and upsampling, in vectors of W = 8 or 4 lanes (the shuffles below know both).
// The even lanes of lo then hi (lo0, lo2, ..., hi0, hi2, ...), and the odd ones.
template <int W, class V> V even_lanes(V lo, V hi) {
  if constexpr (W == 8) return __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
  else return __builtin_shufflevector(lo, hi, 0, 2, 4, 6);
}
template <int W, class V> V odd_lanes(V lo, V hi) {
  if constexpr (W == 8) return __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
  else return __builtin_shufflevector(lo, hi, 1, 3, 5, 7);
}
// a and b interleaved (a0, b0, a1, b1, ...): its first W lanes, and its last W.
template <int W, class V> V interleave_low(V a, V b) {
  if constexpr (W == 8) return __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
  else return __builtin_shufflevector(a, b, 0, 4, 1, 5);
}
template <int W, class V> V interleave_high(V a, V b) {
  if constexpr (W == 8) return __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
  else return __builtin_shufflevector(a, b, 2, 6, 3, 7);
}

// std::max lane by lane: b where a < b, else a (a NaN in a stays, as in block_max).
template <class V> V lane_max(V a, V b) {
  const auto less = a < b;
  using Mask = decltype(less);
  return V((Mask(b) & less) | (Mask(a) & ~less));
}

// Runs step(lanes, at) over items [0, count) in blocks of 8 lanes (of 4 where count < 8), the last block ending at
// count and overlapping the one before (the steps here write the same values again). Returns false, and does nothing,
// where count < 4: the caller takes those items one by one.
template <class Step> bool in_blocks(int count, Step step) {
  const auto run = [count, &step](auto lanes) {
    for (int x = 0; x < count; x += lanes.value) step(lanes, std::min(x, count - lanes.value));
  };
  if (count >= 8) run(std::integral_constant<int, 8>{});
  else if (count >= 4) run(std::integral_constant<int, 4>{});
  return count >= 4;
}

// The largest of a block's values in row-major order, as std::max takes them (a NaN first stays).
template <class T> T block_max(T a, T b, T c, T d) { return std::max(std::max(std::max(a, b), c), d); }

// W full blocks of 2x2 max pooling at once: block_max of the rows' even and odd columns.
template <int W, class T> void pool_blocks(T* dst, const T* r0, const T* r1) {
  const Lanes<T, W> a0 = load_lanes<W>(r0), a1 = load_lanes<W>(r0 + W), c0 = load_lanes<W>(r1), c1 = load_lanes<W>(r1 + W);
  const auto top = lane_max(even_lanes<W>(a0, a1), odd_lanes<W>(a0, a1));
  store_lanes<W>(dst, lane_max(lane_max(top, even_lanes<W>(c0, c1)), odd_lanes<W>(c0, c1)));
}

// One output row of 2x2 max pooling: the blocks of input rows r0 and r1 (r1 null on an odd edge), `full` of them
// two columns wide (in vectors where there are 4 or more), then (on an odd edge) one more of one column.
template <class T> void pool_row(T* dst, const T* r0, const T* r1, int full, int cols) {
  if (r1 != nullptr) {
    const bool vectors = in_blocks(full, [&](auto lanes, int at) { pool_blocks<lanes.value>(dst + at, r0 + 2 * at, r1 + 2 * at); });
    for (int x = vectors ? full : 0; x < full; ++x) dst[x] = block_max(r0[2 * x], r0[2 * x + 1], r1[2 * x], r1[2 * x + 1]);
    if (full < cols) dst[full] = std::max(r0[2 * full], r1[2 * full]);
    return;
  }
  for (int x = 0; x < full; ++x) dst[x] = std::max(r0[2 * x], r0[2 * x + 1]);
  if (full < cols) dst[full] = r0[2 * full];
}

// Which of a block's values takes the gradient: the first equal to the block's maximum `best`, in row-major order;
// the first also where none equals it (a NaN won). Values outside the image are passed as NaN, which equal nothing.
template <class T> int winner(T a, T b, T c, T d, T best) {
  if (a == best || best != best) return 0;
  if (b == best) return 1;
  if (c == best) return 2;
  return d == best ? 3 : 0;
}

// W full blocks of maxpool_backward at once, as winner() decides, in vectors: the rows' even and odd columns apart,
// four masks (a NaN maximum goes to the first), the gradient under each, and the columns merged back.
template <int W, class T> void unpool_blocks(T* d0, T* d1, const T* r0, const T* r1, const T* best, const T* grad) {
  using V = Lanes<T, W>;
  const V a0 = load_lanes<W>(r0), a1 = load_lanes<W>(r0 + W), c0 = load_lanes<W>(r1), c1 = load_lanes<W>(r1 + W);
  const V m = load_lanes<W>(best), g = load_lanes<W>(grad);
  const auto a = (even_lanes<W>(a0, a1) == m) | (m != m);
  const auto b = ~a & (odd_lanes<W>(a0, a1) == m);
  const auto c = ~a & ~b & (even_lanes<W>(c0, c1) == m);
  const auto d = ~(a | b | c);
  using Mask = decltype(a);
  const V ga = V(Mask(g) & a), gb = V(Mask(g) & b), gc = V(Mask(g) & c), gd = V(Mask(g) & d);
  store_lanes<W>(d0, interleave_low<W>(ga, gb));
  store_lanes<W>(d0 + W, interleave_high<W>(ga, gb));
  store_lanes<W>(d1, interleave_low<W>(gc, gd));
  store_lanes<W>(d1 + W, interleave_high<W>(gc, gd));
}

// One output row of maxpool_backward: every input pixel of rows r0 and r1 (r1 null on an odd edge) written once;
// the full blocks (two rows, two columns) in vectors where a row has 4 or more, the rest (short rows, odd edges) one
// by one through winner().
template <class T>
void unpool_row(T* d0, T* d1, const T* r0, const T* r1, const T* best, const T* grad, int in_width, int cols) {
  int x = 0;
  const int full = in_width / 2;
  if (r1 != nullptr && in_blocks(full, [&](auto lanes, int at) {
        unpool_blocks<lanes.value>(d0 + 2 * at, d1 + 2 * at, r0 + 2 * at, r1 + 2 * at, best + at, grad + at);
      })) {
    x = full;
  }
  const T none = std::numeric_limits<T>::quiet_NaN();  // outside the image: equal to nothing
  for (; x < cols; ++x) {
    const int l = 2 * x;
    const bool two_cols = l + 1 < in_width;
    const T a = r0[l], b = two_cols ? r0[l + 1] : none;
    const T c = r1 != nullptr ? r1[l] : none, d = r1 != nullptr && two_cols ? r1[l + 1] : none;
    const int w = winner(a, b, c, d, best[x]);
    d0[l] = w == 0 ? grad[x] : T(0);
    if (two_cols) d0[l + 1] = w == 1 ? grad[x] : T(0);
    if (r1 == nullptr) continue;
    d1[l] = w == 2 ? grad[x] : T(0);
    if (two_cols) d1[l + 1] = w == 3 ? grad[x] : T(0);
  }
}

// One input row of upsample_forward: each of its `width` pixels twice, in both output rows o0 and o1.
template <class T> void upsample_row(T* o0, T* o1, const T* src, int width) {
  const bool vectors = in_blocks(width, [&](auto lanes, int at) {
    constexpr int W = lanes.value;
    const Lanes<T, W> v = load_lanes<W>(src + at);
    for (T* o : {o0 + 2 * at, o1 + 2 * at}) {
      store_lanes<W>(o, interleave_low<W>(v, v));
      store_lanes<W>(o + W, interleave_high<W>(v, v));
    }
  });
  for (int x = vectors ? width : 0; x < width; ++x) o0[2 * x] = o0[2 * x + 1] = o1[2 * x] = o1[2 * x + 1] = src[x];
}

// One row of upsample_backward: dst[x] sums the 2x2 block of gradients below it, in rows g0 and g1, in one order
// (the top row's two, then the bottom row's, left to right) in vectors and alone.
template <class T> void block_sum_row(T* dst, const T* g0, const T* g1, int width) {
  const bool vectors = in_blocks(width, [&](auto lanes, int at) {
    constexpr int W = lanes.value;
    const Lanes<T, W> a0 = load_lanes<W>(g0 + 2 * at), a1 = load_lanes<W>(g0 + 2 * at + W);
    const Lanes<T, W> c0 = load_lanes<W>(g1 + 2 * at), c1 = load_lanes<W>(g1 + 2 * at + W);
    store_lanes<W>(dst + at, even_lanes<W>(a0, a1) + odd_lanes<W>(a0, a1) + even_lanes<W>(c0, c1) + odd_lanes<W>(c0, c1));
  });
  for (int x = vectors ? width : 0; x < width; ++x) dst[x] = g0[2 * x] + g0[2 * x + 1] + g1[2 * x] + g1[2 * x + 1];
}

}  // namespace conv_detail

// out (C, N, ceil(H/2), ceil(W/2)): the largest of each 2x2 block (blocks on an odd edge are cut short).
template <class T> void maxpool_forward(T* out, const T* in, ImageShape s, int n) {
  const ImageShape o = pool_output(s);
  for (std::size_t p = 0; p < static_cast<std::size_t>(s.channels) * n; ++p) {
    const T* plane = in + p * s.pixels();
    T* dst = out + p * o.pixels();
    for (int y = 0; y < o.height; ++y) {
      const T* r0 = plane + 2 * y * s.width;
      conv_detail::pool_row(dst + y * o.width, r0, 2 * y + 1 < s.height ? r0 + s.width : nullptr, s.width / 2, o.width);
    }
  }
}

// Differentiates maxpool_forward: each block's gradient goes to its largest input (the first, on a tie; the
// forward's result `out` says which value won), the rest get 0. Every input pixel is written once, block by block.
template <class T> void maxpool_backward(T* din, const T* dout, const T* in, const T* out, ImageShape s, int n) {
  const ImageShape o = pool_output(s);
  for (std::size_t p = 0; p < static_cast<std::size_t>(s.channels) * n; ++p) {
    const T* plane = in + p * s.pixels();
    T* dplane = din + p * s.pixels();
    for (int y = 0; y < o.height; ++y) {
      const std::size_t top = static_cast<std::size_t>(2 * y) * s.width;
      const bool two_rows = 2 * y + 1 < s.height;
      conv_detail::unpool_row(dplane + top, dplane + top + s.width, plane + top, two_rows ? plane + top + s.width : nullptr,
                              out + p * o.pixels() + y * o.width, dout + p * o.pixels() + y * o.width, s.width, o.width);
    }
  }
}

// out (C, N, 2H, 2W): each pixel repeated over a 2x2 block (nearest neighbour).
template <class T> void upsample_forward(T* out, const T* in, ImageShape s, int n) {
  const ImageShape o = upsample_output(s);
  for (std::size_t p = 0; p < static_cast<std::size_t>(s.channels) * n; ++p) {
    const T* plane = in + p * s.pixels();
    T* dst = out + p * o.pixels();
    for (int y = 0; y < s.height; ++y) {
      T* row = dst + 2 * y * o.width;
      conv_detail::upsample_row(row, row + o.width, plane + y * s.width, s.width);
    }
  }
}

// Differentiates upsample_forward: each input pixel's gradient is the sum over its 2x2 block.
template <class T> void upsample_backward(T* din, const T* dout, ImageShape s, int n) {
  const ImageShape o = upsample_output(s);
  for (std::size_t p = 0; p < static_cast<std::size_t>(s.channels) * n; ++p) {
    const T* grad = dout + p * o.pixels();
    T* dst = din + p * s.pixels();
    for (int y = 0; y < s.height; ++y) {
      const T* top = grad + 2 * y * o.width;
      conv_detail::block_sum_row(dst + y * s.width, top, top + o.width, s.width);
    }
  }
}

// The joints with dense layers. images (C, N, H, W) <-> columns (C*H*W, N): one image per column, channel by
// channel (CHW, PyTorch's flatten order). One is the other's inverse; each is the other's backward.
template <class T> void images_to_columns(T* columns, const T* images, ImageShape s, int n) {
  const auto plane = static_cast<std::size_t>(s.pixels());
  for (int c = 0; c < s.channels; ++c) {
    for (int j = 0; j < n; ++j) {
      const T* src = images + (static_cast<std::size_t>(c) * n + j) * plane;
      std::copy(src, src + plane, columns + static_cast<std::size_t>(j) * s.size() + c * plane);
    }
  }
}

template <class T> void columns_to_images(T* images, const T* columns, ImageShape s, int n) {
  const auto plane = static_cast<std::size_t>(s.pixels());
  for (int c = 0; c < s.channels; ++c) {
    for (int j = 0; j < n; ++j) {
      const T* src = columns + static_cast<std::size_t>(j) * s.size() + c * plane;
      std::copy(src, src + plane, images + (static_cast<std::size_t>(c) * n + j) * plane);
    }
  }
}

}  // namespace latent
