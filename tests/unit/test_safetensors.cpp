// safetensors: a round trip, the documented layout, and each kind of malformed file with its error.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/safetensors.hpp"
#include "helpers.hpp"

using namespace latent;
using namespace latent::testing;
using nlohmann::ordered_json;

namespace {

Autoencoder small_model() {
  Architecture a;
  a.input = 6;
  a.hidden = {5};
  a.latent = 3;
  a.activation = Activation::Tanh;
  Autoencoder m(a);
  m.initialize(3);
  return m;
}

// Splits a file into its JSON header and its data, so a test can break one and put the file back together.
struct Parts {
  ordered_json header;
  std::vector<std::uint8_t> data;
};

Parts split_file(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  Parts p;
  p.header = ordered_json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n));
  p.data.assign(bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n), bytes.end());
  return p;
}

std::vector<std::uint8_t> join(const std::string& header, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out(8 + header.size() + data.size());
  const std::uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
  return out;
}
std::vector<std::uint8_t> join(const Parts& p) { return join(p.header.dump(), p.data); }

std::string load_error(const std::vector<std::uint8_t>& bytes) {
  std::unique_ptr<Autoencoder> m;
  const Status s = decode_safetensors(bytes, "w.safetensors", m);
  CHECK(m == nullptr);  // nothing half-loaded on failure
  return s.message();
}

}  // namespace

TEST_CASE("safetensors round trip keeps the architecture and every weight bit and the metadata", "[safetensors]") {
  const Autoencoder original = small_model();
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  REQUIRE(save_safetensors(path, original, {{"test_loss", "0.25"}}).is_ok());

  std::unique_ptr<Autoencoder> loaded;
  Metadata meta;
  REQUIRE(load_safetensors(path, loaded, &meta).is_ok());
  CHECK(loaded->architecture() == original.architecture());
  REQUIRE(loaded->parameters().size() == original.parameters().size());
  CHECK(std::memcmp(loaded->parameters().data(), original.parameters().data(), original.parameters().size_bytes()) == 0);
  CHECK(meta.at("test_loss") == "0.25");
  CHECK(meta.at("hidden") == "5");
  CHECK(meta.at("activation") == "tanh");
}

TEST_CASE("the file layout is the documented one", "[safetensors]") {
  const Autoencoder m = small_model();
  const auto bytes = encode_safetensors(m);
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  CHECK(n % 8 == 0);  // header padded to 8 bytes
  const Parts p = split_file(bytes);
  CHECK(p.header.begin().key() == "__metadata__");
  CHECK(p.header["__metadata__"]["format"] == "latent-canvas");
  CHECK(p.header["encoder.0.weight"]["shape"] == ordered_json::array({5, 6}));  // (out, in) like torch.nn.Linear
  CHECK(p.header["encoder.1.bias"]["shape"] == ordered_json::array({3}));
  CHECK(p.header["decoder.1.weight"]["dtype"] == "F32");
  // encoder.0.weight row 1, column 2 is W[1][2]: row-major (out, in) in the data
  const auto off = p.header["encoder.0.weight"]["data_offsets"][0].get<std::size_t>();
  float w12 = 0;
  std::memcpy(&w12, p.data.data() + off + (1 * 6 + 2) * 4, 4);
  CHECK(w12 == m.parameters()[m.layers()[0].weight + 1 * 6 + 2]);
  CHECK(p.data.size() == m.parameters().size_bytes());
}

TEST_CASE("a failed save leaves an existing file intact", "[safetensors][errors]") {
  TempDir dir;
  const std::string path = dir.file("keep.safetensors");
  write_bytes(path, {1, 2, 3});
  CHECK_THAT(save_safetensors(dir.file("missing-folder/x.safetensors"), small_model()).message(),
             Catch::Contains("missing-folder/x.safetensors: cannot write"));
  CHECK(read_bytes(path) == std::vector<std::uint8_t>{1, 2, 3});
}

TEST_CASE("each kind of malformed safetensors file gets its error", "[safetensors][errors]") {
  const auto good = encode_safetensors(small_model());

  SECTION("shorter than the length field") {
    CHECK_THAT(load_error({1, 2, 3}), Catch::Contains("3 bytes is too short"));
  }
  SECTION("header length zero") {
    CHECK_THAT(load_error(std::vector<std::uint8_t>(16, 0)), Catch::Contains("header length is 0"));
  }
  SECTION("header length past the end") {
    auto bytes = good;
    const std::uint64_t n = bytes.size();
    std::memcpy(bytes.data(), &n, 8);
    CHECK_THAT(load_error(bytes), Catch::Contains("runs past the end of the file"));
  }
  SECTION("header length over the format's limit (never allocated)") {
    auto bytes = good;
    const std::uint64_t n = std::numeric_limits<std::uint64_t>::max();
    std::memcpy(bytes.data(), &n, 8);
    CHECK_THAT(load_error(bytes), Catch::Contains("over the format's limit"));
  }
  SECTION("header not JSON") {
    CHECK_THAT(load_error(join("{not json", {})), Catch::Contains("header is not valid JSON"));
  }
  SECTION("header not an object") {
    CHECK_THAT(load_error(join("[1,2]", {})), Catch::Contains("not a JSON object"));
  }
  SECTION("no metadata") {
    Parts p = split_file(good);
    p.header.erase("__metadata__");
    CHECK_THAT(load_error(join(p)), Catch::Contains("no __metadata__"));
  }
  SECTION("metadata value not a string") {
    Parts p = split_file(good);
    p.header["__metadata__"]["latent"] = 3;
    CHECK_THAT(load_error(join(p)), Catch::Contains("entry 'latent' is not a string"));
  }
  SECTION("not our format") {
    Parts p = split_file(good);
    p.header["__metadata__"]["format"] = "pt";
    CHECK_THAT(load_error(join(p)), Catch::Contains("format is 'pt'"));
  }
  SECTION("architecture out of range") {
    Parts p = split_file(good);
    p.header["__metadata__"]["latent"] = "1";
    CHECK_THAT(load_error(join(p)), Catch::Contains("latent size 1 is out of range"));
  }
  SECTION("a tensor missing") {
    Parts p = split_file(good);
    p.header.erase("decoder.1.bias");
    CHECK_THAT(load_error(join(p)), Catch::Contains("missing tensor 'decoder.1.bias'"));
  }
  SECTION("an unexpected tensor") {
    Parts p = split_file(good);
    p.header["extra.weight"] = p.header["decoder.1.bias"];
    CHECK_THAT(load_error(join(p)), Catch::Contains("unexpected tensor 'extra.weight'"));
  }
  SECTION("wrong dtype") {
    Parts p = split_file(good);
    p.header["encoder.0.weight"]["dtype"] = "F16";
    CHECK_THAT(load_error(join(p)), Catch::Contains("dtype 'F16'; only F32 is supported"));
  }
  SECTION("shape that disagrees with the architecture") {
    Parts p = split_file(good);
    p.header["encoder.0.weight"]["shape"] = ordered_json::array({6, 5});
    CHECK_THAT(load_error(join(p)), Catch::Contains("has shape [6,5]; the architecture needs [5,6]"));
  }
  SECTION("negative shape") {
    Parts p = split_file(good);
    p.header["encoder.0.weight"]["shape"] = ordered_json::array({-5, 6});
    CHECK_THAT(load_error(join(p)), Catch::Contains("no valid shape"));
  }
  SECTION("offsets outside the data") {
    Parts p = split_file(good);
    p.header["decoder.1.bias"]["data_offsets"] = ordered_json::array({100000, 100024});
    CHECK_THAT(load_error(join(p)), Catch::Contains("outside the"));
  }
  SECTION("offsets that do not match the shape's size") {
    Parts p = split_file(good);
    auto& off = p.header["decoder.1.bias"]["data_offsets"];
    off[1] = off[1].get<std::uint64_t>() - 4;
    CHECK_THAT(load_error(join(p)), Catch::Contains("in F32 needs 24"));
  }
  SECTION("overlapping tensors") {
    Parts p = split_file(good);
    p.header["encoder.0.bias"]["data_offsets"] = ordered_json::array({0, 20});
    CHECK_THAT(load_error(join(p)), Catch::Contains("overlaps or leaves a gap"));
  }
  SECTION("trailing bytes that belong to no tensor") {
    Parts p = split_file(good);
    p.data.insert(p.data.end(), 8, 0);
    CHECK(load_error(join(p)) == "w.safetensors: architecture 6-5-3-5-6 tanh needs 436 bytes of weights; the file holds 444");
  }
  SECTION("a NaN weight") {
    Parts p = split_file(good);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(p.data.data() + 8, &nan, 4);
    CHECK_THAT(load_error(join(p)), Catch::Contains("non-finite value"));
  }
  SECTION("a file that does not exist") {
    std::unique_ptr<Autoencoder> m;
    CHECK_THAT(load_safetensors("/nonexistent/w.safetensors", m).message(),
               Catch::Contains("/nonexistent/w.safetensors: cannot open"));
  }
}

TEST_CASE("a small file naming a huge model is refused before anything is allocated", "[safetensors][errors]") {
  Parts p = split_file(encode_safetensors(small_model()));
  p.header["__metadata__"]["input"] = "784";
  p.header["__metadata__"]["hidden"] = "4096,4096,4096,4096,4096,4096";
  const std::vector<std::uint8_t> bytes = join(p.header.dump(), {});
  REQUIRE(bytes.size() < 2000);
  CHECK(load_error(bytes) ==
        "w.safetensors: architecture 784-4096-4096-4096-4096-4096-4096-3-4096-4096-4096-4096-4096-4096-784 tanh "
        "needs 697076812 bytes of weights; the file holds 0");
}

// Not under the sanitizers: AddressSanitizer reserves terabytes of address space for its shadow memory at start-up,
// so under any address-space limit its own next mapping fails ("ERROR: Failed to mmap"), whatever the code under
// test does (seen in CI; it passed before only when the allocator had room left from earlier tests). The plain
// build runs it; under the sanitizers, "a small file naming a huge model is refused before anything is allocated"
// checks the same order of checks.
#if !defined(LATENT_SANITIZED)
TEST_CASE("under a 256 MiB address-space limit, the huge model's file is refused without running out", "[safetensors][errors]") {
  Parts p = split_file(encode_safetensors(small_model()));
  p.header["__metadata__"]["input"] = "784";
  p.header["__metadata__"]["hidden"] = "4096,4096,4096,4096,4096,4096";
  const std::vector<std::uint8_t> bytes = join(p.header.dump(), {});
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const rlimit limit{std::size_t{256} << 20, std::size_t{256} << 20};
    setrlimit(RLIMIT_AS, &limit);
    std::unique_ptr<Autoencoder> m;
    const Status s = decode_safetensors(bytes, "w.safetensors", m);
    _exit(!s.is_ok() && m == nullptr ? 0 : 1);  // an allocation of the model would abort (bad_alloc) instead
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
#endif

TEST_CASE("a deeply nested header is refused before it is parsed", "[safetensors][errors]") {
  const std::string deep(1 << 20, '[');
  CHECK(load_error(join(deep, {})) == "w.safetensors: safetensors header nests 1048576 levels deep; at most 8 are read");
  // Brackets inside strings do not count.
  Parts p = split_file(encode_safetensors(small_model()));
  p.header["__metadata__"]["note"] = std::string(100, '[');
  std::unique_ptr<Autoencoder> m;
  CHECK(decode_safetensors(join(p), "w.safetensors", m).is_ok());
}

TEST_CASE("what comes from the file is quoted and escaped: a message stays one line", "[safetensors][errors]") {
  Parts p = split_file(encode_safetensors(small_model()));
  p.header["evil\n\x1b[31mname"] = p.header["decoder.1.bias"];
  const std::string e = load_error(join(p));
  CHECK(e == "w.safetensors: unexpected tensor 'evil\\n\\x1b[31mname' for architecture 6-5-3-5-6 tanh");
  CHECK(e.find('\n') == std::string::npos);
  CHECK(e.find('\x1b') == std::string::npos);
  p = split_file(encode_safetensors(small_model()));
  p.header["__metadata__"]["activation"] = "relu\nrm -rf";
  CHECK(load_error(join(p)) == "w.safetensors: metadata activation 'relu\\nrm -rf' is unknown");
}
