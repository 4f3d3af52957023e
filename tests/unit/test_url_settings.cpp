// Settings in the page's address: written in full, read back to the same settings, and anything else refused
// with one line naming the key, leaving the settings as they were.
#include <catch2/catch.hpp>

#include "core/url_settings.hpp"

using namespace latent;

namespace {

std::string refusal(std::string_view text) {
  SessionSettings s;
  const SessionSettings before = s;
  const Status e = parse_url_settings(text, s);
  REQUIRE_FALSE(e.is_ok());
  CHECK(s == before);
  CHECK(e.message().find('\n') == std::string::npos);
  return e.message();
}

}  // namespace

TEST_CASE("settings written to a link read back the same", "[url]") {
  SessionSettings s;
  s.architecture.latent = 8;
  s.architecture.hidden = {128, 64};
  s.architecture.activation = Activation::Tanh;
  s.optimizer.learning_rate = 0.003f;
  s.batch_size = 64;
  s.target_epochs = 7;
  s.seed = 42;
  s.threads = 2;
  const std::string text = format_url_settings(s);
  CHECK(text == "latent=8&hidden=128,64&activation=tanh&lr=0.003&batch=64&epochs=7&seed=42&variant=plain");
  SessionSettings back;
  back.threads = 2;  // not in the link: the machine's
  REQUIRE(parse_url_settings("#" + text, back).is_ok());
  CHECK(back == s);
  CHECK(format_url_settings(SessionSettings{}) ==
        "latent=32&hidden=&activation=relu&lr=0.001&batch=256&epochs=20&seed=1&variant=plain");
}

TEST_CASE("a link carries the variant and its own settings", "[url][variants]") {
  for (Variant v : {Variant::Denoising, Variant::Sparse, Variant::Variational}) {
    SessionSettings s;
    s.objective.variant = v;
    s.objective.noise = Noise::Mask;
    s.objective.noise_level = 0.25f;
    s.objective.sparsity = 0.002f;
    s.objective.beta = 0.5f;
    const std::string text = format_url_settings(s);
    SessionSettings back;
    REQUIRE(parse_url_settings(text, back).is_ok());
    CHECK(back.objective.variant == v);
    CHECK(format_url_settings(back) == text);
    if (v == Variant::Denoising) CHECK(text.ends_with("&variant=denoising&noise=mask&level=0.25"));
    if (v == Variant::Sparse) CHECK(text.ends_with("&variant=sparse&sparsity=0.002"));
    if (v == Variant::Variational) CHECK(text.ends_with("&variant=vae&beta=0.5"));
  }
  CHECK(refusal("variant=contractive") == "variant: expected plain, denoising, sparse or vae, got 'contractive'");
  CHECK(refusal("level=1.5") == "level: expected a noise level from 0 to 1, got '1.5'");
  CHECK(refusal("beta=-1") == "beta: expected a KL weight from 0 to 100, got '-1'");
  CHECK(refusal("variant=denoising&noise=pink") == "noise: expected gaussian or mask, got 'pink'");
  // A variant's own settings go with it (found by fuzz_url_settings: "&beta=0.5" parsed, but its address dropped
  // the beta, so the link did not come back).
  CHECK(refusal("&beta=0.5") == "beta applies to variant=vae only");
  CHECK(refusal("sparsity=0.1&variant=denoising") == "sparsity applies to variant=sparse only");
  CHECK(refusal("level=0.2") == "level applies to variant=denoising only");
  SessionSettings s;
  REQUIRE(parse_url_settings("beta=0.5&variant=vae", s).is_ok());  // in any order
  CHECK(s.objective.beta == 0.5f);
  // Numbers come back as the same float (found by fuzz_url_settings: %g wrote lr 0.6666666666666003 as 0.666667).
  REQUIRE(parse_url_settings("lr=0.6666666666666003", s).is_ok());
  const float lr = s.optimizer.learning_rate;
  const std::string text = format_url_settings(s);
  CHECK(text.find("lr=0.666667&") == std::string::npos);  // 6 digits read back as another float
  SessionSettings back;
  REQUIRE(parse_url_settings(text, back).is_ok());
  CHECK(back.optimizer.learning_rate == lr);
  CHECK(format_url_settings(SessionSettings{}).find("lr=0.001&") != std::string::npos);  // short where it can be
}

TEST_CASE("a link names Fashion-MNIST as its data", "[url]") {
  SessionSettings s;
  const std::string text = format_url_settings(s, DataKind::Fashion);
  CHECK(text.ends_with("&variant=plain&data=fashion"));
  CHECK(format_url_settings(s, DataKind::Own).find("data=") == std::string::npos);  // files cannot be linked
  DataKind data = DataKind::Mnist;
  REQUIRE(parse_url_settings(text, s, &data).is_ok());
  CHECK(data == DataKind::Fashion);
  REQUIRE(parse_url_settings("data=mnist", s, &data).is_ok());
  CHECK(data == DataKind::Mnist);
  CHECK(refusal("data=cifar") == "data: expected mnist or fashion, got 'cifar'");
  CHECK(class_name(DataKind::Fashion, 9) == "Ankle boot");
  CHECK(class_name(DataKind::Fashion, 9, true) == "Boot");
  CHECK(class_name(DataKind::Mnist, 3) == "3");
}

TEST_CASE("a link may set only some settings, in any order", "[url]") {
  SessionSettings s;
  REQUIRE(parse_url_settings("seed=3&latent=2&&", s).is_ok());
  CHECK(s.seed == 3);
  CHECK(s.architecture.latent == 2);
  CHECK(s.batch_size == 256);
  REQUIRE(parse_url_settings("", s).is_ok());
  REQUIRE(parse_url_settings("#", s).is_ok());
  CHECK(s.seed == 3);
}

TEST_CASE("bad settings in a link are refused, naming the key", "[url][errors]") {
  CHECK(refusal("latent=1") == "latent: expected a whole number from 2 to 256, got '1'");
  CHECK(refusal("latent=3x") == "latent: expected a whole number from 2 to 256, got '3x'");
  CHECK(refusal("batch=") == "batch: expected a whole number from 1 to 65536, got ''");
  CHECK(refusal("lr=nan") == "lr: expected a learning rate from 1e-06 to 1, got 'nan'");
  CHECK(refusal("lr=2") == "lr: expected a learning rate from 1e-06 to 1, got '2'");
  CHECK(refusal("activation=gelu") == "activation: expected relu, sigmoid, tanh or linear, got 'gelu'");
  CHECK(refusal("hidden=64,,32") == "hidden layers: expected comma-separated widths like 128,64, got '64,,32'");
  CHECK(refusal("hidden=1,2,3,4,5,6,7").find("hidden") != std::string::npos);
  CHECK(refusal("seed=1&seed=2") == "'seed' is set twice in the link");
  CHECK(refusal("colour=red") == "the link has an unknown setting 'colour' (known: latent, hidden, activation, lr, batch, epochs, seed, variant, noise, level, sparsity, beta, data)");
  CHECK(refusal("latent") == "the link's setting 'latent' has no value (key=value)");
  CHECK(refusal("x\x1b[2J=1") == "the link has an unknown setting 'x\\x1b[2J' (known: latent, hidden, activation, lr, batch, epochs, seed, variant, noise, level, sparsity, beta, data)");
  CHECK(refusal(std::string(600, 'a')) == "the link's settings are 600 characters; at most 512 are read");
}
