// The few parts of the protocol-buffer wire format that writing an ONNX model needs
// (https://protobuf.dev/programming-guides/encoding/): varints, length-delimited fields (strings, bytes, nested
// messages, packed repeated integers) and 32-bit floats. A message is built into its own buffer and then added to
// its parent as a length-delimited field.
//
// Why not libprotobuf: the page would need it compiled to WebAssembly (Debian ships no such build) and the ONNX
// schema compiled with protoc for both builds, for about a hundred lines of writing. The output is checked by real
// readers instead: Debian's python3-onnx (its checker) and onnxruntime (tests/browser/export.test.mjs).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace latent {

class ProtoWriter {
 public:
  const std::vector<std::uint8_t>& bytes() const { return out_; }
  std::vector<std::uint8_t>&& take() { return std::move(out_); }

  void int_field(int field, std::int64_t value) {
    key(field, kVarint);
    varint(static_cast<std::uint64_t>(value));  // negative numbers take ten bytes, as protobuf's int64 does
  }
  void bytes_field(int field, std::span<const std::uint8_t> data) {
    key(field, kLengthDelimited);
    varint(data.size());
    out_.insert(out_.end(), data.begin(), data.end());
  }
  void string_field(int field, std::string_view text) {
    bytes_field(field, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }
  void message_field(int field, const ProtoWriter& message) { bytes_field(field, message.bytes()); }
  void packed_ints(int field, std::span<const std::int64_t> values) {
    ProtoWriter packed;
    for (std::int64_t v : values) packed.varint(static_cast<std::uint64_t>(v));
    bytes_field(field, packed.bytes());
  }
  // Floats as little-endian bytes (a TensorProto's raw_data).
  void float_bytes_field(int field, std::span<const float> values) {
    key(field, kLengthDelimited);
    varint(values.size() * sizeof(float));
    const std::size_t at = out_.size();
    out_.resize(at + values.size() * sizeof(float));
    if (!values.empty()) std::memcpy(out_.data() + at, values.data(), values.size() * sizeof(float));
  }

 private:
  static constexpr int kVarint = 0;
  static constexpr int kLengthDelimited = 2;

  void key(int field, int wire_type) { varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire_type)); }
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<std::uint8_t>(value | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(value));
  }

  std::vector<std::uint8_t> out_;
};

}  // namespace latent
