// The only translation unit of podml that includes libtorch (it is slow to compile).
#include "podml/train/Trainer.h"

#include "podml/Exceptions.h"
#include "podml/train/Metrics.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <limits>

namespace podml::train {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

torch::Tensor activate(const torch::Tensor& x, const std::string& kind) {
  if (kind == "relu") {
    return torch::relu(x);
  }
  if (kind == "tanh") {
    return torch::tanh(x);
  }
  if (kind == "sigmoid") {
    return torch::sigmoid(x);
  }
  if (kind == "elu") {
    return torch::elu(x);
  }
  return torch::leaky_relu(x, 0.01);
}

// The standardisation lives in the module, so that what libtorch evaluates is what
// the exported graph computes: (x - mean) / scale, then the layers.
struct MlpNet : torch::nn::Module {
  MlpNet(const std::vector<int64_t>& sizes, std::string act, const std::vector<float>& mean,
         const std::vector<float>& scale)
      : activation(std::move(act)) {
    const auto n = static_cast<int64_t>(mean.size());
    this->mean = register_buffer("mean", torch::from_blob(const_cast<float*>(mean.data()), {n}).clone());
    this->scale = register_buffer("scale", torch::from_blob(const_cast<float*>(scale.data()), {n}).clone());
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      layers.push_back(register_module("layer" + std::to_string(l), torch::nn::Linear(sizes[l], sizes[l + 1])));
    }
  }

  // Logits [n, 1].
  torch::Tensor forward(torch::Tensor x) {
    x = (x - mean) / scale;
    for (std::size_t l = 0; l < layers.size(); ++l) {
      x = layers[l]->forward(x);
      if (l + 1 < layers.size()) {
        x = activate(x, activation);
      }
    }
    return x;
  }

  std::string activation;
  torch::Tensor mean, scale;
  std::vector<torch::nn::Linear> layers;
};

torch::Tensor rowsOf(const Chunk& c, std::size_t first, std::size_t n, std::size_t width) {
  // from_blob only views the chunk; nothing writes through it.
  return torch::from_blob(const_cast<float*>(c.features.data() + first * width),
                          {static_cast<int64_t>(n), static_cast<int64_t>(width)});
}

void standardisation(Dataset& data, std::vector<float>& mean, std::vector<float>& scale) {
  const std::size_t w = data.width();
  std::vector<double> sum(w, 0.0), sum2(w, 0.0);
  uint64_t rows = 0;
  data.forEachChunk(Split::Training, 0, [&](const Chunk& c) {
    // Shifted sums (by the chunk's first row) keep the variance accurate for large offsets.
    std::vector<double> shift(w, 0.0), s(w, 0.0), s2(w, 0.0);
    if (c.rows() > 0) {
      for (std::size_t k = 0; k < w; ++k) {
        shift[k] = c.features[k];
      }
    }
    for (std::size_t r = 0; r < c.rows(); ++r) {
      for (std::size_t k = 0; k < w; ++k) {
        const double d = static_cast<double>(c.features[r * w + k]) - shift[k];
        s[k] += d;
        s2[k] += d * d;
      }
    }
    for (std::size_t k = 0; k < w; ++k) {
      // Accumulate in the unshifted frame: sum x = s + n*shift, sum x^2 = s2 + 2 shift s + n shift^2.
      const double n = static_cast<double>(c.rows());
      sum[k] += s[k] + n * shift[k];
      sum2[k] += s2[k] + 2 * shift[k] * s[k] + n * shift[k] * shift[k];
    }
    rows += c.rows();
  });
  mean.assign(w, 0.0f);
  scale.assign(w, 1.0f);
  for (std::size_t k = 0; k < w && rows > 0; ++k) {
    const double m = sum[k] / static_cast<double>(rows);
    const double var = std::max(0.0, sum2[k] / static_cast<double>(rows) - m * m);
    mean[k] = static_cast<float>(m);
    // A constant feature carries nothing; dividing by 1 keeps it finite.
    scale[k] = var > 1e-24 ? static_cast<float>(std::sqrt(var)) : 1.0f;
  }
}

} // namespace

struct TrainedMlp::Impl {
  std::shared_ptr<MlpNet> net;
  MlpWeights weights;
  std::vector<EpochReport> history;
  int bestEpoch{0};
  double stepSeconds{0};
  uint64_t samples{0};
};

TrainedMlp::TrainedMlp(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TrainedMlp::TrainedMlp(TrainedMlp&&) noexcept = default;
TrainedMlp& TrainedMlp::operator=(TrainedMlp&&) noexcept = default;
TrainedMlp::~TrainedMlp() = default;

const MlpWeights& TrainedMlp::weights() const { return m_impl->weights; }
const std::vector<EpochReport>& TrainedMlp::history() const { return m_impl->history; }
int TrainedMlp::bestEpoch() const { return m_impl->bestEpoch; }
double TrainedMlp::stepSeconds() const { return m_impl->stepSeconds; }
uint64_t TrainedMlp::samplesSeen() const { return m_impl->samples; }

std::vector<float> TrainedMlp::predict(const float* features, std::size_t rows) const {
  torch::NoGradGuard noGrad;
  const auto width = m_impl->weights.sizes.front();
  std::vector<float> out(rows);
  constexpr std::size_t kBlock = 65536;
  for (std::size_t a = 0; a < rows; a += kBlock) {
    const std::size_t n = std::min(kBlock, rows - a);
    auto x = torch::from_blob(const_cast<float*>(features + a * static_cast<std::size_t>(width)),
                              {static_cast<int64_t>(n), width});
    auto p = torch::sigmoid(m_impl->net->forward(x)).contiguous();
    std::copy_n(p.data_ptr<float>(), n, out.begin() + static_cast<std::ptrdiff_t>(a));
  }
  return out;
}

TrainedMlp fitMlp(Dataset& data, const TrainingSpec& spec, const TrainCallbacks& callbacks, int threads) {
  if (threads > 0) {
    torch::set_num_threads(threads);
  }
  const auto& ts = spec.training;
  torch::manual_seed(ts.seed);
  const std::size_t width = data.width();
  auto im = std::make_unique<TrainedMlp::Impl>();
  std::vector<float> mean, scale;
  standardisation(data, mean, scale);

  std::vector<int64_t> sizes{static_cast<int64_t>(width)};
  sizes.insert(sizes.end(), spec.network.hidden.begin(), spec.network.hidden.end());
  sizes.push_back(1);
  auto net = std::make_shared<MlpNet>(sizes, spec.network.activation, mean, scale);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(ts.learningRate).weight_decay(ts.weightDecay));

  const auto trainCounts = data.counts(Split::Training);
  torch::Tensor posWeight;
  if (ts.balanceClasses && trainCounts.positives > 0) {
    const double w = static_cast<double>(trainCounts.rows - trainCounts.positives) / static_cast<double>(trainCounts.positives);
    posWeight = torch::full({1}, static_cast<float>(w));
  }
  auto bceOptions = torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions();
  if (posWeight.defined()) {
    bceOptions.pos_weight(posWeight);
  }

  double bestLoss = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best;
  int sinceBest = 0;
  const auto batch = static_cast<std::size_t>(ts.batchSize);
  for (int epoch = 1; epoch <= ts.epochs; ++epoch) {
    const auto t0 = Clock::now();
    net->train();
    double lossSum = 0;
    uint64_t seen = 0, batches = 0;
    // A new permutation every epoch, reproducible from the seed.
    data.forEachChunk(Split::Training, ts.seed * 1000003ull + static_cast<uint64_t>(epoch), [&](const Chunk& c) {
      for (std::size_t a = 0; a < c.rows(); a += batch) {
        const std::size_t n = std::min(batch, c.rows() - a);
        const auto ts0 = Clock::now();
        auto x = rowsOf(c, a, n, width);
        auto y = torch::from_blob(const_cast<float*>(c.labels.data() + a), {static_cast<int64_t>(n), 1});
        adam.zero_grad();
        auto loss = torch::nn::functional::binary_cross_entropy_with_logits(net->forward(x), y, bceOptions);
        loss.backward();
        adam.step();
        im->stepSeconds += secondsSince(ts0);
        lossSum += loss.item<double>() * static_cast<double>(n);
        seen += n;
        ++batches;
        if (callbacks.onBatch && (batches % 16 == 0 || seen == trainCounts.rows)) {
          callbacks.onBatch({epoch, seen, trainCounts.rows, lossSum / static_cast<double>(seen)});
        }
      }
    });
    im->samples += seen;

    net->eval();
    std::vector<float> scores, labels;
    data.forEachChunk(Split::Validation, 0, [&](const Chunk& c) {
      torch::NoGradGuard noGrad;
      for (std::size_t a = 0; a < c.rows(); a += 65536) {
        const std::size_t n = std::min<std::size_t>(65536, c.rows() - a);
        auto s = torch::sigmoid(net->forward(rowsOf(c, a, n, width))).contiguous();
        scores.insert(scores.end(), s.data_ptr<float>(), s.data_ptr<float>() + n);
      }
      labels.insert(labels.end(), c.labels.begin(), c.labels.end());
    });
    EpochReport r;
    r.epoch = epoch;
    r.epochs = ts.epochs;
    r.trainLoss = seen > 0 ? lossSum / static_cast<double>(seen) : 0.0;
    r.validationLoss = logLoss(scores, labels);
    r.validationAccuracy = accuracy(scores, labels);
    r.validationAuc = rocAuc(scores, labels);
    r.samples = seen;
    if (!std::isfinite(r.trainLoss)) {
      throw ModelError("training diverged: the loss is " + std::to_string(r.trainLoss) + " in epoch " +
                       std::to_string(epoch) + " (lower training.learning_rate in " + spec.source + ")");
    }
    r.improved = r.validationLoss < bestLoss - ts.minDelta;
    if (r.improved) {
      bestLoss = r.validationLoss;
      im->bestEpoch = epoch;
      best.clear();
      for (const auto& p : net->parameters()) {
        best.push_back(p.detach().clone());
      }
      sinceBest = 0;
    } else {
      ++sinceBest;
    }
    r.seconds = secondsSince(t0);
    im->history.push_back(r);
    if (callbacks.onEpoch) {
      callbacks.onEpoch(r);
    }
    if (ts.patience > 0 && sinceBest >= ts.patience) {
      break;
    }
  }
  if (!best.empty()) {
    torch::NoGradGuard noGrad;
    auto params = net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      params[i].copy_(best[i]);
    }
  }
  net->eval();

  auto& w = im->weights;
  w.sizes = sizes;
  w.activation = spec.network.activation;
  w.mean = mean;
  w.scale = scale;
  for (auto& layer : net->layers) {
    auto wt = layer->weight.detach().contiguous();
    auto bs = layer->bias.detach().contiguous();
    w.weights.emplace_back(wt.data_ptr<float>(), wt.data_ptr<float>() + wt.numel());
    w.biases.emplace_back(bs.data_ptr<float>(), bs.data_ptr<float>() + bs.numel());
  }
  im->net = std::move(net);
  return TrainedMlp(std::move(im));
}

} // namespace podml::train
