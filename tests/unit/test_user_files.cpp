// Files a person brings: sorted by content (weights, IDX images, IDX labels; plain or gzipped), paired by count,
// split or taken as training and test sets, and refused with one line that names the file.
#include <catch2/catch.hpp>

#include "core/safetensors.hpp"
#include "core/user_files.hpp"
#include "helpers.hpp"

using namespace latent;
using namespace latent::testing;

namespace {

UserFile file(std::string name, std::vector<std::uint8_t> bytes) { return {std::move(name), std::move(bytes)}; }

std::vector<std::uint8_t> weights_bytes() {
  Architecture a;
  a.latent = 8;
  Autoencoder model(a);
  return encode_safetensors(model);
}

std::string sort_refusal(std::vector<UserFile> files) {
  UserFiles out;
  const Status s = sort_user_files(std::move(files), out);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find('\n') == std::string::npos);
  return s.message();
}

}  // namespace

TEST_CASE("files are told apart by their contents, not their names", "[user-files]") {
  CHECK(sniff_file(weights_bytes()) == FileKind::Weights);
  CHECK(sniff_file(idx_images(3, 28, 28)) == FileKind::Images);
  CHECK(sniff_file(idx_labels(3)) == FileKind::Labels);
  CHECK(sniff_file(gzip_bytes(idx_labels(3))) == FileKind::Gzip);
  CHECK(sniff_file({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}) == FileKind::Unknown);
  CHECK(sniff_file({}) == FileKind::Unknown);
  // A header length past the end of the file is not weights.
  std::vector<std::uint8_t> bad = weights_bytes();
  bad[6] = 0x7f;
  CHECK(sniff_file(bad) == FileKind::Unknown);
}

TEST_CASE("one pair of IDX files, plain or gzipped, in any order, is split 80/20 by label", "[user-files]") {
  // Labels that can be checked against their images: each image's first pixel, mod 10.
  const std::vector<std::uint8_t> images = idx_images(500, 28, 28);
  std::vector<std::uint8_t> labels;
  for (std::size_t i = 0; i < 500; ++i) labels.push_back(static_cast<std::uint8_t>(images[16 + i * 784] % 10));
  UserFiles out;
  REQUIRE(sort_user_files({file("l.gz", gzip_bytes(idx_bytes(0x08, {500}, labels))), file("weird-name", images)}, out)
              .is_ok());
  REQUIRE(out.data);
  CHECK_FALSE(out.weights);
  CHECK(out.data->split.train.size() == 400);
  CHECK(out.data->split.test.size() == 100);
  CHECK(out.data->description == "weird-name (500), stratified 80/20 split");
  // Labels went with their images, through the split.
  for (const Dataset* part : {&out.data->split.train, &out.data->split.test}) {
    for (std::size_t k = 0; k < part->size(); ++k) REQUIRE(part->labels[k] == part->image(k)[0] % 10);
  }
}

TEST_CASE("two pairs are a training set (the larger) and a test set; weights come along", "[user-files]") {
  UserFiles out;
  REQUIRE(sort_user_files({file("t10k-images", idx_images(100, 28, 28)), file("train-labels.gz", gzip_bytes(idx_labels(300))),
                           file("t10k-labels", idx_labels(100)), file("model.safetensors", weights_bytes()),
                           file("train-images.gz", gzip_bytes(idx_images(300, 28, 28)))},
                          out)
              .is_ok());
  REQUIRE(out.data);
  CHECK(out.data->split.train.size() == 300);
  CHECK(out.data->split.test.size() == 100);
  CHECK(out.data->description == "train-images.gz (300) to train and t10k-images (100) to test");
  REQUIRE(out.weights);
  CHECK(out.weights->name == "model.safetensors");
}

TEST_CASE("weights alone are weights", "[user-files]") {
  UserFiles out;
  REQUIRE(sort_user_files({file("w.safetensors", weights_bytes())}, out).is_ok());
  CHECK(out.weights);
  CHECK_FALSE(out.data);
}

TEST_CASE("files that cannot be used are refused with one line naming them", "[user-files][errors]") {
  CHECK(sort_refusal({}) == "no files given");
  CHECK(sort_refusal({file("notes.txt", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'})}) ==
        "notes.txt: not a weights file (.safetensors) nor an IDX file of images or labels (plain or gzipped)");
  CHECK(sort_refusal({file("a.safetensors", weights_bytes()), file("b.safetensors", weights_bytes())}) ==
        "two weights files (a.safetensors and b.safetensors): open one at a time");
  CHECK(sort_refusal({file("im", idx_images(50, 28, 28))}) ==
        "im: 50 images, and no labels file with 50 labels; open the images with their labels");
  CHECK(sort_refusal({file("im", idx_images(50, 28, 28)), file("lab", idx_labels(49))}) ==
        "im: 50 images, and no labels file with 50 labels; open the images with their labels");
  CHECK(sort_refusal({file("lab", idx_labels(49))}) ==
        "lab: 49 labels, and no images file with that many images; open the labels with their images");
  CHECK(sort_refusal({file("cifar", idx_images(50, 32, 32)), file("lab", idx_labels(50))}) ==
        "cifar: the images are 32x32; Latent Canvas takes 28x28 images, like MNIST");
  std::vector<std::uint8_t> labels = idx_labels(50);
  labels[8 + 7] = 12;
  CHECK(sort_refusal({file("im", idx_images(50, 28, 28)), file("lab", labels)}) ==
        "lab: label 12 at item 7; labels must be classes 0 to 9");
  CHECK(sort_refusal({file("im", idx_images(12, 28, 28)), file("lab", idx_labels(12))}) ==
        "too few images: 10 to train and 2 to test; at least 10 test images are needed");
  // A truncated IDX file: the core's reader says so, naming the file.
  std::vector<std::uint8_t> cut = idx_images(50, 28, 28);
  cut.resize(cut.size() - 5);
  CHECK_THAT(sort_refusal({file("cut.idx", cut), file("lab", idx_labels(50))}), Catch::StartsWith("cut.idx: "));
  // Corrupt gzip.
  std::vector<std::uint8_t> gz = gzip_bytes(idx_labels(50));
  gz.resize(gz.size() / 2);
  CHECK_THAT(sort_refusal({file("half.gz", gz)}), Catch::StartsWith("half.gz: "));
  // Names are shown as they can be: control characters replaced (a newline would break the one line).
  CHECK(sort_refusal({file("evil\nname\x1b[31m", {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'})}) ==
        "evil?name?[31m: not a weights file (.safetensors) nor an IDX file of images or labels (plain or gzipped)");
}

TEST_CASE("sizes are limited before the data is used: files, and images in all", "[user-files][errors]") {
  // One file larger than the limit (checked before it is read any further).
  std::vector<std::uint8_t> big(kMaxUserFileBytes + 1, 0);
  CHECK(sort_refusal({file("big.idx", std::move(big))}) ==
        "big.idx: 78,400,017 bytes; files up to 78,400,016 bytes are taken (100,000 images of 28x28)");
  // A gzip bomb stops inflating at the limit.
  std::vector<std::uint8_t> zeros(kMaxUserFileBytes + 4096, 0);
  const std::vector<std::uint8_t> bomb = gzip_bytes(zeros);
  zeros = {};
  CHECK(bomb.size() < 200000);
  CHECK_THAT(sort_refusal({file("bomb.gz", bomb)}), Catch::StartsWith("bomb.gz: "));
  // Two files within the limit that are too many images together.
  const std::uint32_t half = kMaxUserImages / 2 + 1;
  CHECK(sort_refusal({file("a", idx_images(half, 28, 28)), file("b", idx_images(half, 28, 28))}) ==
        "b: 50,001 images make 100,002 in all; Latent Canvas takes at most 100,000");
}

TEST_CASE("printable names: control characters replaced, long names cut", "[user-files]") {
  CHECK(printable_name("a\tb\x7f") == "a?b?");
  CHECK(printable_name("") == "(unnamed)");
  CHECK(printable_name(std::string(200, 'x')) == std::string(80, 'x') + "...");
  CHECK(printable_name("digits-\xc3\xa9t\xc3\xa9.gz") == "digits-\xc3\xa9t\xc3\xa9.gz");  // UTF-8 stays
  CHECK(printable_name(std::string(79, 'x') + "\xc3\xa9" + "tail") == std::string(79, 'x') + "\xc3\xa9...");  // whole
}
