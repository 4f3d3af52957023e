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
#pragma once

#include <algorithm>
#include <cstddef>
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
// (H + 2 pad rows of W + 2 pad), flattened; then a kernel tap is one long loop over the flattened plane: the output
// (computed on the padded width, its extra columns dropped at the end) gains the weight times the plane shifted by the
// tap. The backward walks the same shifts: the weight's gradient is a dot product of the output's gradient with the
// shifted plane, the input's gradient gains the weight times the output's gradient, shifted back.
struct DirectGeometry {
  int pad, rows, cols, out_rows, out_cols, plane, flat;  // plane: a padded input plane (+ k, so shifts stay inside)
  DirectGeometry(ImageShape s, int k, Padding padding)
      : pad(padding == Padding::Same ? k / 2 : 0), rows(s.height + 2 * pad), cols(s.width + 2 * pad),
        out_rows(rows - k + 1), out_cols(cols - k + 1), plane(rows * cols + k), flat(out_rows * cols) {}
  // Scratch: the padded input planes and their gradients, and the outputs on the padded width.
  std::size_t scratch(ImageShape s, int out_channels) const {
    return 2 * static_cast<std::size_t>(s.channels) * plane + static_cast<std::size_t>(out_channels) * flat;
  }
};

template <class T> void pad_planes(T* padded, const T* in, ImageShape s, int n, int j, const DirectGeometry& g) {
  for (int c = 0; c < s.channels; ++c) {
    const T* src = in + (static_cast<std::size_t>(c) * n + j) * static_cast<std::size_t>(s.pixels());
    T* dst = padded + static_cast<std::size_t>(c) * g.plane + static_cast<std::size_t>(g.pad) * g.cols + g.pad;
    for (int y = 0; y < s.height; ++y) std::copy(src + y * s.width, src + (y + 1) * s.width, dst + y * g.cols);
  }
}

// sum a[i] b[i], in eight running sums (so the compiler can keep them in one vector), then in a fixed order.
template <class T> T dot8(const T* __restrict a, const T* __restrict b, int n) {
  T part[8] = {};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int l = 0; l < 8; ++l) part[l] += a[i + l] * b[i + l];
  }
  for (; i < n; ++i) part[0] += a[i] * b[i];
  return ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
}

template <class T> void axpy(T* __restrict y, T w, const T* __restrict x, int n) {
  for (int i = 0; i < n; ++i) y[i] += w * x[i];
}

template <class T>
void direct_forward(T* out, const T* in, const T* weight, const T* bias, ImageShape s, int out_channels, int k,
                    Padding padding, int n, T* scratch) {
  const DirectGeometry g(s, k, padding);
  T* padded = scratch;
  T* acc = scratch + 2 * static_cast<std::size_t>(s.channels) * g.plane;
  std::fill(padded, padded + static_cast<std::size_t>(s.channels) * g.plane, T(0));
  const std::size_t out_pixels = static_cast<std::size_t>(g.out_rows) * g.out_cols;
  for (int j = 0; j < n; ++j) {
    pad_planes(padded, in, s, n, j, g);
    for (int co = 0; co < out_channels; ++co) {
      T* a = acc + static_cast<std::size_t>(co) * g.flat;
      std::fill(a, a + g.flat, bias[co]);
      for (int c = 0; c < s.channels; ++c) {
        const T* x = padded + static_cast<std::size_t>(c) * g.plane;
        const T* w = weight + static_cast<std::size_t>(co * s.channels + c) * k * k;
        for (int t = 0; t < k * k; ++t) axpy(a, w[t], x + (t / k) * g.cols + t % k, g.flat);
      }
      T* o = out + (static_cast<std::size_t>(co) * n + j) * out_pixels;
      for (int y = 0; y < g.out_rows; ++y) std::copy(a + y * g.cols, a + y * g.cols + g.out_cols, o + y * g.out_cols);
    }
  }
}

template <class T>
void direct_backward(T* din, T* dweight, T* dbias, const T* dout, const T* in, const T* weight, ImageShape s,
                     int out_channels, int k, Padding padding, int n, T* scratch) {
  const DirectGeometry g(s, k, padding);
  T* padded = scratch;
  T* dpadded = scratch + static_cast<std::size_t>(s.channels) * g.plane;
  T* grad = dpadded + static_cast<std::size_t>(s.channels) * g.plane;  // dout on the padded width, 0 between rows
  std::fill(padded, grad + static_cast<std::size_t>(out_channels) * g.flat, T(0));
  const std::size_t out_pixels = static_cast<std::size_t>(g.out_rows) * g.out_cols;
  for (int j = 0; j < n; ++j) {
    pad_planes(padded, in, s, n, j, g);
    for (int co = 0; co < out_channels; ++co) {
      const T* o = dout + (static_cast<std::size_t>(co) * n + j) * out_pixels;
      T* d = grad + static_cast<std::size_t>(co) * g.flat;
      for (int y = 0; y < g.out_rows; ++y) std::copy(o + y * g.out_cols, o + (y + 1) * g.out_cols, d + y * g.cols);
      T sum = 0;
      for (std::size_t i = 0; i < out_pixels; ++i) sum += o[i];
      dbias[co] += sum;
    }
    if (din != nullptr) std::fill(dpadded, dpadded + static_cast<std::size_t>(s.channels) * g.plane, T(0));
    for (int c = 0; c < s.channels; ++c) {
      const T* x = padded + static_cast<std::size_t>(c) * g.plane;
      T* dx = dpadded + static_cast<std::size_t>(c) * g.plane;
      for (int co = 0; co < out_channels; ++co) {
        const T* d = grad + static_cast<std::size_t>(co) * g.flat;
        const std::size_t w0 = static_cast<std::size_t>(co * s.channels + c) * k * k;
        for (int t = 0; t < k * k; ++t) {
          const int shift = (t / k) * g.cols + t % k;
          dweight[w0 + t] += dot8(d, x + shift, g.flat);
          if (din != nullptr) axpy(dx + shift, weight[w0 + t], d, g.flat);
        }
      }
      if (din == nullptr) continue;
      T* dst = din + (static_cast<std::size_t>(c) * n + j) * static_cast<std::size_t>(s.pixels());
      const T* src = dx + static_cast<std::size_t>(g.pad) * g.cols + g.pad;
      for (int y = 0; y < s.height; ++y) std::copy(src + y * g.cols, src + y * g.cols + s.width, dst + y * s.width);
    }
  }
}

// Whether a layer takes the direct loops: few outputs, so that im2col's copies would cost more than the product.
inline bool use_direct(int out_channels) { return out_channels <= 2; }

}  // namespace conv_detail

// The scratch conv2d_forward and conv2d_backward need for `n` images, in scalars.
inline std::size_t conv_layer_scratch(ImageShape in, int out_channels, int k, Padding padding, int n) {
  if (conv_detail::use_direct(out_channels)) return conv_detail::DirectGeometry(in, k, padding).scratch(in, out_channels);
  return conv_scratch(in, k, padding, std::max(1, std::min(n, conv_block_images(in, k, padding))));
}

namespace conv_detail {

// A channel-major block: channel columns of `rows` values each, `stride` apart (the whole batch's plane run).
template <class T> using ChannelBlock = Eigen::Map<Matrix<T>, 0, Eigen::OuterStride<>>;
template <class T> using ConstChannelBlock = Eigen::Map<const Matrix<T>, 0, Eigen::OuterStride<>>;

}  // namespace conv_detail

// out (Cout, N, Ho, Wo) = conv(in (Cin, N, H, W), weight (Cout, Cin, k, k)) + bias (Cout), for n images, in blocks
// of conv_block_images; `scratch` holds conv_layer_scratch(in, out_channels, k, padding, n) scalars.
template <class T>
void conv2d_forward(T* out, const T* in, const T* weight, const T* bias, ImageShape s, int out_channels, int k,
                    Padding padding, int n, T* scratch) {
  using namespace conv_detail;
  if (use_direct(out_channels)) return direct_forward(out, in, weight, bias, s, out_channels, k, padding, n, scratch);
  const ImageShape o = conv_output(s, out_channels, k, padding);
  const Eigen::Index taps = s.channels * k * k;
  const ConstMatrixMap<T> w(weight, taps, out_channels);  // (Cin k k, Cout): the kernel, transposed
  const std::size_t plane_run = static_cast<std::size_t>(n) * static_cast<std::size_t>(o.pixels());
  const int block = conv_block_images(s, k, padding);
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

// Differentiates conv2d_forward, given dout = dL/dout (Cout, N, Ho, Wo):
//   dweight (Cout, Cin, k, k) += sum over pixels of dout * the input tap it read   (as a matrix: cols^T dout)
//   dbias (Cout)              += sum of dout over every pixel of every image
//   din (Cin, N, H, W)         = the taps' gradients dout W, added back where they were read (col2im)
// dweight and dbias are summed into (zero them first); din, when not null, is written.
template <class T>
void conv2d_backward(T* din, T* dweight, T* dbias, const T* dout, const T* in, const T* weight, ImageShape s,
                     int out_channels, int k, Padding padding, int n, T* scratch) {
  using namespace conv_detail;
  if (use_direct(out_channels)) {
    return direct_backward(din, dweight, dbias, dout, in, weight, s, out_channels, k, padding, n, scratch);
  }
  const ImageShape o = conv_output(s, out_channels, k, padding);
  const Eigen::Index taps = s.channels * k * k;
  const ConstMatrixMap<T> w(weight, taps, out_channels);
  MatrixMap<T> dw(dweight, taps, out_channels);
  VectorMap<T> db(dbias, out_channels);
  const std::size_t plane_run = static_cast<std::size_t>(n) * static_cast<std::size_t>(o.pixels());
  if (din != nullptr) std::fill(din, din + static_cast<std::size_t>(s.size()) * n, T(0));
  const int block = conv_block_images(s, k, padding);
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
    cols.noalias() = dy * w.transpose();  // the taps' gradients, over the block's copy of the taps
    col2im_add(din, scratch, s, n, first, m, k, padding);
  }
}

// out (C, N, ceil(H/2), ceil(W/2)): the largest of each 2x2 block (blocks on an odd edge are cut short).
template <class T> void maxpool_forward(T* out, const T* in, ImageShape s, int n) {
  const ImageShape o = pool_output(s);
  for (std::size_t p = 0; p < static_cast<std::size_t>(s.channels) * n; ++p) {
    const T* plane = in + p * s.pixels();
    T* dst = out + p * o.pixels();
    for (int y = 0; y < o.height; ++y) {
      for (int x = 0; x < o.width; ++x) {
        T best = plane[(2 * y) * s.width + 2 * x];
        for (int dy = 0; dy < 2 && 2 * y + dy < s.height; ++dy) {
          for (int dx = 0; dx < 2 && 2 * x + dx < s.width; ++dx) best = std::max(best, plane[(2 * y + dy) * s.width + 2 * x + dx]);
        }
        dst[y * o.width + x] = best;
      }
    }
  }
}

// Differentiates maxpool_forward: each block's gradient goes to its largest input (the first, on a tie; the
// forward's result `out` says which value won), the rest get 0.
template <class T> void maxpool_backward(T* din, const T* dout, const T* in, const T* out, ImageShape s, int n) {
  const ImageShape o = pool_output(s);
  std::fill(din, din + static_cast<std::size_t>(s.size()) * n, T(0));
  for (std::size_t p = 0; p < static_cast<std::size_t>(s.channels) * n; ++p) {
    const T* plane = in + p * s.pixels();
    T* dplane = din + p * s.pixels();
    for (int y = 0; y < o.height; ++y) {
      const int top = 2 * y * s.width;
      const bool two_rows = 2 * y + 1 < s.height;
      for (int x = 0; x < o.width; ++x) {
        const std::size_t at = p * o.pixels() + static_cast<std::size_t>(y) * o.width + x;
        const T best = out[at];
        // The block's pixels in row-major order, the first equal to the maximum taking the gradient.
        const int left = top + 2 * x;
        const bool two_cols = 2 * x + 1 < s.width;
        int winner = left;  // also where nothing equals it (a NaN): never outside the block
        if (plane[left] != best) {
          if (two_cols && plane[left + 1] == best) winner = left + 1;
          else if (two_rows && plane[left + s.width] == best) winner = left + s.width;
          else if (two_rows && two_cols && plane[left + s.width + 1] == best) winner = left + s.width + 1;
        }
        dplane[winner] = dout[at];
      }
    }
  }
}

// out (C, N, 2H, 2W): each pixel repeated over a 2x2 block (nearest neighbour).
template <class T> void upsample_forward(T* out, const T* in, ImageShape s, int n) {
  const ImageShape o = upsample_output(s);
  for (std::size_t p = 0; p < static_cast<std::size_t>(s.channels) * n; ++p) {
    const T* plane = in + p * s.pixels();
    T* dst = out + p * o.pixels();
    for (int y = 0; y < o.height; ++y) {
      const T* src = plane + (y / 2) * s.width;
      T* row = dst + y * o.width;
      for (int x = 0; x < s.width; ++x) row[2 * x] = row[2 * x + 1] = src[x];
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
      for (int x = 0; x < s.width; ++x) {
        const T* top = grad + (2 * y) * o.width + 2 * x;
        dst[y * s.width + x] = top[0] + top[1] + top[o.width] + top[o.width + 1];
      }
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
