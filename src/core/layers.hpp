// The math of one training step as forward/backward pairs: dense layers, activations and losses.
// Templated on the scalar so the tests check every gradient in double precision; the model uses float.
// Shapes are (rows, columns) with one sample per column; B is the batch size.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>

#include "core/eigen.hpp"
#include "core/fast_math.hpp"

namespace latent {

enum class Activation { ReLU, Sigmoid, Tanh, Linear };
enum class Loss { BinaryCrossEntropy, MeanSquaredError };

const char* to_string(Activation activation);  // "relu", "sigmoid", "tanh", "linear"
const char* to_string(Loss loss);              // "bce", "mse"
std::optional<Activation> parse_activation(std::string_view text);
std::optional<Loss> parse_loss(std::string_view text);

template <class T> using MatRef = Eigen::Ref<Matrix<T>>;
template <class T> using ConstMatRef = Eigen::Ref<const Matrix<T>>;
template <class T> using WeightRef = Eigen::Ref<RowMatrix<T>>;
template <class T> using ConstWeightRef = Eigen::Ref<const RowMatrix<T>>;
template <class T> using VecRef = Eigen::Ref<Vector<T>>;
template <class T> using ConstVecRef = Eigen::Ref<const Vector<T>>;

// True when a block's elements are one contiguous run (so the float kernels can walk it as an array).
template <class M> bool contiguous(const M& m) { return m.cols() <= 1 || m.outerStride() == m.rows(); }

// ---------------------------------------------------------------------------------------------------------
// Dense
// ---------------------------------------------------------------------------------------------------------

// out (n_out, B) = weight (n_out, n_in) * inp (n_in, B) + bias (n_out), the bias added to every column.
template <class T>
void dense_forward(MatRef<T> out, const ConstMatRef<T>& inp, const ConstWeightRef<T>& weight,
                   const ConstVecRef<T>& bias) {
  out.noalias() = weight * inp;
  out.colwise() += bias;
}

// Differentiates dense_forward, given dout = dL/dout (n_out, B):
//   dweight (n_out, n_in) = dout * inp^T   since out_ib = sum_j W_ij inp_jb + b_i
//   dbias   (n_out)       = sum over columns of dout
//   dinp    (n_in, B)     = W^T * dout     skipped when dinp has no columns (the first layer needs none)
template <class T>
void dense_backward(MatRef<T> dinp, WeightRef<T> dweight, VecRef<T> dbias, const ConstMatRef<T>& dout,
                    const ConstMatRef<T>& inp, const ConstWeightRef<T>& weight) {
  dweight.noalias() = dout * inp.transpose();
  dbias.noalias() = dout.rowwise().sum();
  if (dinp.cols() > 0) dinp.noalias() = weight.transpose() * dout;
}

// ---------------------------------------------------------------------------------------------------------
// Activations (in place: x holds pre-activations z on entry and a = f(z) on return)
// ---------------------------------------------------------------------------------------------------------

template <class T> void activation_forward(Activation activation, MatRef<T> x) {
  if constexpr (std::is_same_v<T, float>) {
    if (activation == Activation::Sigmoid && contiguous(x)) {
      fast::sigmoid(x.data(), x.data(), static_cast<std::size_t>(x.size()));  // see fast_math.hpp for why
      return;
    }
  }
  auto a = x.array();
  switch (activation) {
    case Activation::ReLU: a = a.max(T(0)); break;
    case Activation::Sigmoid: a = (T(1) + (-a).exp()).inverse(); break;  // exp overflow gives 1/inf = 0: right
    case Activation::Tanh: a = a.tanh(); break;
    case Activation::Linear: break;
  }
}

// Differentiates activation_forward in place: d holds dL/da on entry and dL/dz on return. The derivative
// is written in terms of the forward's output a, so z need not be kept:
//   relu: [a > 0]    sigmoid: a (1 - a)    tanh: 1 - a^2    linear: 1
template <class T> void activation_backward(Activation activation, MatRef<T> d, const ConstMatRef<T>& a) {
  auto g = d.array();
  const auto y = a.array();
  switch (activation) {
    case Activation::ReLU: g = (y > T(0)).select(g, T(0)); break;
    case Activation::Sigmoid: g *= y * (T(1) - y); break;
    case Activation::Tanh: g *= T(1) - y.square(); break;
    case Activation::Linear: break;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Losses on the output logits z (n, B) against targets t in [0, 1], averaged over all n*B elements.
// Each forward also writes probs = sigmoid(z): the reconstruction, and what the backward needs.
// ---------------------------------------------------------------------------------------------------------

// Binary cross-entropy from logits, with no log(0) anywhere:
//   -[t log s(z) + (1 - t) log(1 - s(z))] = max(z, 0) - z t + log(1 + e^-|z|)
// (float, contiguous blocks: the same formula in fast_math.hpp's vectorised kernel; double is the reference.)
template <class T>
T bce_with_logits_forward(MatRef<T> probs, const ConstMatRef<T>& logits, const ConstMatRef<T>& target) {
  if constexpr (std::is_same_v<T, float>) {
    if (contiguous(probs) && contiguous(logits) && contiguous(target)) {
      const auto n = static_cast<std::size_t>(logits.size());
      return static_cast<float>(fast::bce_with_logits(logits.data(), target.data(), probs.data(), n) / static_cast<double>(n));
    }
  }
  const auto z = logits.array();
  auto p = probs.array();
  p = (-z.abs()).exp();  // e = e^-|z| in (0, 1]; reused for the loss and for s(z)
  const T total = (z.max(T(0)) - z * target.array() + p.log1p()).sum();
  p = (z >= T(0)).select((T(1) + p).inverse(), p / (T(1) + p));  // s(z) = 1/(1+e) or e/(1+e)
  return total / static_cast<T>(logits.size());
}

// dL/dz = (s(z) - t) / N
template <class T>
void bce_with_logits_backward(MatRef<T> dlogits, const ConstMatRef<T>& probs, const ConstMatRef<T>& target) {
  dlogits.array() = (probs.array() - target.array()) * (T(1) / static_cast<T>(probs.size()));
}

// Mean squared error of the sigmoid output: L = mean((s(z) - t)^2).
template <class T>
T mse_forward(MatRef<T> probs, const ConstMatRef<T>& logits, const ConstMatRef<T>& target) {
  probs = logits;
  activation_forward<T>(Activation::Sigmoid, probs);
  return (probs.array() - target.array()).square().sum() / static_cast<T>(logits.size());
}

// dL/dz = 2 (s - t) s (1 - s) / N
template <class T>
void mse_backward(MatRef<T> dlogits, const ConstMatRef<T>& probs, const ConstMatRef<T>& target) {
  const auto s = probs.array();
  dlogits.array() = (s - target.array()) * s * (T(1) - s) * (T(2) / static_cast<T>(probs.size()));
}

template <class T>
T loss_forward(Loss loss, MatRef<T> probs, const ConstMatRef<T>& logits, const ConstMatRef<T>& target) {
  return loss == Loss::BinaryCrossEntropy ? bce_with_logits_forward<T>(probs, logits, target)
                                          : mse_forward<T>(probs, logits, target);
}

template <class T>
void loss_backward(Loss loss, MatRef<T> dlogits, const ConstMatRef<T>& probs, const ConstMatRef<T>& target) {
  if (loss == Loss::BinaryCrossEntropy) {
    bce_with_logits_backward<T>(dlogits, probs, target);
  } else {
    mse_backward<T>(dlogits, probs, target);
  }
}

}  // namespace latent
