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

torch::Tensor vectorTensor(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}).clone();
}

// The tensors of rows [first, first + n) of a chunk: views of the chunk where the layout
// allows (objects), padded copies where it does not (constituents: [n, P, F] and the
// mask [n, P, 1]).
struct Batch {
  torch::Tensor objects, constituents, mask;
  int64_t rows{0};
};

struct Layout {
  std::size_t width{0};            // objects values per row
  std::size_t constituentWidth{0}; // values per constituent
  uint32_t maxCount{0};            // fixed P, or 0: the longest list in the batch
  float padValue{0};
  bool constituents{false};
};

Batch batchOf(const Chunk& c, std::size_t first, std::size_t n, const Layout& l) {
  Batch b;
  b.rows = static_cast<int64_t>(n);
  if (l.width > 0) {
    // from_blob only views the chunk; nothing writes through it.
    b.objects = torch::from_blob(const_cast<float*>(c.features.data() + first * l.width),
                                 {b.rows, static_cast<int64_t>(l.width)});
  }
  if (!l.constituents) {
    return b;
  }
  std::size_t longest = 1;
  for (std::size_t r = first; r < first + n; ++r) {
    longest = std::max<std::size_t>(longest, c.offsets[r + 1] - c.offsets[r]);
  }
  const std::size_t p = l.maxCount > 0 ? l.maxCount : longest;
  const std::size_t f = l.constituentWidth;
  b.constituents = torch::full({b.rows, static_cast<int64_t>(p), static_cast<int64_t>(f)}, l.padValue);
  b.mask = torch::zeros({b.rows, static_cast<int64_t>(p), 1});
  float* x = b.constituents.data_ptr<float>();
  float* m = b.mask.data_ptr<float>();
  for (std::size_t r = 0; r < n; ++r) {
    const uint64_t a = c.offsets[first + r];
    const std::size_t k = std::min<std::size_t>(c.offsets[first + r + 1] - a, p);
    std::copy_n(c.constituents.data() + a * f, k * f, x + r * p * f);
    std::fill_n(m + r * p, k, 1.0f);
  }
  return b;
}

// Linear layers with the activation between them (none after the last).
struct Layers {
  std::vector<torch::nn::Linear> linear;
  std::string activation;
  bool activateLast{false};

  Layers(torch::nn::Module& owner, const std::string& prefix, const std::vector<int64_t>& sizes, std::string act,
         bool last)
      : activation(std::move(act)), activateLast(last) {
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      linear.push_back(owner.register_module(prefix + std::to_string(l), torch::nn::Linear(sizes[l], sizes[l + 1])));
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    for (std::size_t l = 0; l < linear.size(); ++l) {
      x = linear[l]->forward(x);
      if (activateLast || l + 1 < linear.size()) {
        x = activate(x, activation);
      }
    }
    return x;
  }

  void exportTo(MlpWeights& w, std::vector<int64_t> sizes) const {
    w.sizes = std::move(sizes);
    w.activation = activation;
    for (const auto& layer : linear) {
      auto wt = layer->weight.detach().contiguous();
      auto bs = layer->bias.detach().contiguous();
      w.weights.emplace_back(wt.data_ptr<float>(), wt.data_ptr<float>() + wt.numel());
      w.biases.emplace_back(bs.data_ptr<float>(), bs.data_ptr<float>() + bs.numel());
    }
  }
};

// A network the trainer drives: logits [rows, outputs] of a batch. The standardisation
// lives in the module, so that what libtorch evaluates is what the exported graph computes.
struct Net : torch::nn::Module {
  virtual torch::Tensor logits(const Batch& b) = 0;
};

struct MlpNet : Net {
  MlpNet(const std::vector<int64_t>& sizes, const std::string& act, const std::vector<float>& mean,
         const std::vector<float>& scale)
      : layers(*this, "layer", sizes, act, false), sizes(sizes) {
    this->mean = register_buffer("mean", vectorTensor(mean));
    this->scale = register_buffer("scale", vectorTensor(scale));
  }
  torch::Tensor logits(const Batch& b) override { return layers.forward((b.objects - mean) / scale); }

  torch::Tensor mean, scale;
  Layers layers;
  std::vector<int64_t> sizes;
};

// DeepSets (Zaheer et al. 2017) as in the DIPS and Energy-Flow taggers: phi per
// constituent, a masked sum (or mean), rho on the pool and the objects' own values.
struct DeepSetsNet : Net {
  DeepSetsNet(const std::vector<int64_t>& phiSizes, const std::vector<int64_t>& rhoSizes, const std::string& act,
              std::string pool, const std::vector<float>& cMean, const std::vector<float>& cScale,
              const std::vector<float>& oMean, const std::vector<float>& oScale)
      : phi(*this, "phi", phiSizes, act, true), rho(*this, "rho", rhoSizes, act, false), pooling(std::move(pool)),
        phiSizes(phiSizes), rhoSizes(rhoSizes) {
    this->cMean = register_buffer("c_mean", vectorTensor(cMean));
    this->cScale = register_buffer("c_scale", vectorTensor(cScale));
    if (!oMean.empty()) {
      this->oMean = register_buffer("o_mean", vectorTensor(oMean));
      this->oScale = register_buffer("o_scale", vectorTensor(oScale));
    }
  }

  torch::Tensor logits(const Batch& b) override {
    auto h = phi.forward((b.constituents - cMean) / cScale) * b.mask;
    auto pooled = h.sum(1);
    if (pooling == "mean") {
      pooled = pooled / b.mask.sum(1).clamp_min(1.0);
    }
    if (oMean.defined()) {
      pooled = torch::cat({pooled, (b.objects - oMean) / oScale}, 1);
    }
    return rho.forward(pooled);
  }

  torch::Tensor cMean, cScale, oMean, oScale;
  Layers phi, rho;
  std::string pooling;
  std::vector<int64_t> phiSizes, rhoSizes;
};

// Mean and standard deviation per value, accumulated in double with a per-chunk shift
// (the chunk's first row) so the variance stays accurate for large offsets.
class Moments {
public:
  explicit Moments(std::size_t w) : m_sum(w, 0.0), m_sum2(w, 0.0) {}

  void add(const float* rows, std::size_t n) {
    const std::size_t w = m_sum.size();
    if (n == 0) {
      return;
    }
    std::vector<double> s(w, 0.0), s2(w, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t k = 0; k < w; ++k) {
        const double d = static_cast<double>(rows[r * w + k]) - rows[k];
        s[k] += d;
        s2[k] += d * d;
      }
    }
    const double dn = static_cast<double>(n);
    for (std::size_t k = 0; k < w; ++k) {
      const double shift = rows[k];
      m_sum[k] += s[k] + dn * shift;
      m_sum2[k] += s2[k] + 2 * shift * s[k] + dn * shift * shift;
    }
    m_rows += n;
  }

  void result(std::vector<float>& mean, std::vector<float>& scale) const {
    const std::size_t w = m_sum.size();
    mean.assign(w, 0.0f);
    scale.assign(w, 1.0f);
    for (std::size_t k = 0; k < w && m_rows > 0; ++k) {
      const double m = m_sum[k] / static_cast<double>(m_rows);
      const double var = std::max(0.0, m_sum2[k] / static_cast<double>(m_rows) - m * m);
      mean[k] = static_cast<float>(m);
      // A constant value carries nothing; dividing by 1 keeps it finite.
      scale[k] = var > 1e-24 ? static_cast<float>(std::sqrt(var)) : 1.0f;
    }
  }

private:
  std::vector<double> m_sum, m_sum2;
  uint64_t m_rows{0};
};

// Per-class loss weights: the spec's, or balanced (rows / (C rows_c)), or none.
torch::Tensor classWeights(const TrainingSpec& spec, const SplitCounts& counts) {
  const auto& ts = spec.training;
  const std::size_t classes = spec.label.classes.size();
  std::vector<float> w(classes, 1.0f);
  if (!ts.classWeights.empty()) {
    for (std::size_t k = 0; k < classes; ++k) {
      w[k] = static_cast<float>(ts.classWeights[k]);
    }
  } else if (ts.balanceClasses) {
    for (std::size_t k = 0; k < classes; ++k) {
      w[k] = static_cast<float>(static_cast<double>(counts.rows) /
                                (static_cast<double>(classes) * static_cast<double>(counts.perClass[k])));
    }
  } else {
    return {};
  }
  return vectorTensor(w);
}

} // namespace

struct TrainedModel::Impl {
  std::shared_ptr<Net> net;
  Layout layout;
  std::size_t outputs{1};
  std::optional<MlpWeights> mlp;
  std::optional<DeepSetsWeights> deepSets;
  std::vector<EpochReport> history;
  int bestEpoch{0};
  double stepSeconds{0};
  double batchSeconds{0};
  uint64_t samples{0};

  // Probabilities of rows [0, rows) of `c`, appended to `out`.
  void probabilities(const Chunk& c, std::vector<float>& out) const {
    torch::NoGradGuard noGrad;
    constexpr std::size_t kBlock = 8192;
    for (std::size_t a = 0; a < c.rows(); a += kBlock) {
      const std::size_t n = std::min(kBlock, c.rows() - a);
      auto z = net->logits(batchOf(c, a, n, layout));
      auto p = (outputs == 1 ? torch::sigmoid(z) : torch::softmax(z, 1)).contiguous();
      out.insert(out.end(), p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
    }
  }
};

TrainedModel::TrainedModel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TrainedModel::TrainedModel(TrainedModel&&) noexcept = default;
TrainedModel& TrainedModel::operator=(TrainedModel&&) noexcept = default;
TrainedModel::~TrainedModel() = default;

const MlpWeights* TrainedModel::mlp() const { return m_impl->mlp ? &*m_impl->mlp : nullptr; }
const DeepSetsWeights* TrainedModel::deepSets() const { return m_impl->deepSets ? &*m_impl->deepSets : nullptr; }
std::size_t TrainedModel::outputs() const { return m_impl->outputs; }
const std::vector<EpochReport>& TrainedModel::history() const { return m_impl->history; }
int TrainedModel::bestEpoch() const { return m_impl->bestEpoch; }
double TrainedModel::stepSeconds() const { return m_impl->stepSeconds; }
double TrainedModel::batchSeconds() const { return m_impl->batchSeconds; }
uint64_t TrainedModel::samplesSeen() const { return m_impl->samples; }

std::vector<float> TrainedModel::predict(const Chunk& chunk) const {
  std::vector<float> out;
  out.reserve(chunk.rows() * m_impl->outputs);
  m_impl->probabilities(chunk, out);
  return out;
}

TrainedModel fit(Dataset& data, const TrainingSpec& spec, const TrainCallbacks& callbacks, int threads) {
  const auto& netSpec = spec.network;
  if (netSpec.name != "mlp" && netSpec.name != "deepsets") {
    throw DefinitionError("invalid training spec: network '" + netSpec.name +
                          "' is trained by the Python route (examples/python/train_jets.py); podml train trains "
                          "mlp and deepsets (" + spec.source + ")");
  }
  if (threads > 0) {
    torch::set_num_threads(threads);
  }
  const auto& ts = spec.training;
  torch::manual_seed(ts.seed);
  auto im = std::make_unique<TrainedModel::Impl>();
  const bool multi = spec.multiClass();
  im->outputs = multi ? spec.label.classes.size() : 1;
  auto& layout = im->layout;
  layout.width = data.width();
  layout.constituentWidth = data.constituentWidth();
  if (const auto* cons = spec.constituentsInput()) {
    layout.constituents = true;
    layout.maxCount = cons->constituents->maxCount;
    layout.padValue = static_cast<float>(cons->constituents->padValue);
  }

  Moments objects(layout.width), constituents(layout.constituentWidth);
  data.forEachChunk(Split::Training, 0, [&](const Chunk& c) {
    objects.add(c.features.data(), layout.width > 0 ? c.rows() : 0);
    if (layout.constituents) {
      constituents.add(c.constituents.data(), c.offsets.back());
    }
  });
  std::vector<float> oMean, oScale, cMean, cScale;
  objects.result(oMean, oScale);
  constituents.result(cMean, cScale);
  // A NaN or infinite value would surface epochs later as a diverged loss: name it here.
  const auto finite = [&](const std::vector<float>& mean, const std::vector<float>& scale,
                          const std::vector<std::string>& names, const char* what) {
    for (std::size_t k = 0; k < mean.size(); ++k) {
      if (!std::isfinite(mean[k]) || !std::isfinite(scale[k])) {
        throw DefinitionError("training data is not finite: " + std::string(what) + " '" + names[k] +
                              "' has NaN or infinite values (or values too large for float) in the training split (" +
                              spec.source + ")");
      }
    }
  };
  finite(oMean, oScale, data.featureNames(), "feature");
  finite(cMean, cScale, data.constituentNames(), "constituent feature");

  const auto outputs = static_cast<int64_t>(im->outputs);
  std::shared_ptr<Net> net;
  std::vector<int64_t> phiSizes, rhoSizes;
  if (netSpec.name == "mlp") {
    rhoSizes = {static_cast<int64_t>(layout.width)};
    rhoSizes.insert(rhoSizes.end(), netSpec.hidden.begin(), netSpec.hidden.end());
    rhoSizes.push_back(outputs);
    net = std::make_shared<MlpNet>(rhoSizes, netSpec.activation, oMean, oScale);
  } else {
    phiSizes = {static_cast<int64_t>(layout.constituentWidth)};
    phiSizes.insert(phiSizes.end(), netSpec.phi.begin(), netSpec.phi.end());
    rhoSizes = {phiSizes.back() + static_cast<int64_t>(layout.width)};
    rhoSizes.insert(rhoSizes.end(), netSpec.hidden.begin(), netSpec.hidden.end());
    rhoSizes.push_back(outputs);
    net = std::make_shared<DeepSetsNet>(phiSizes, rhoSizes, netSpec.activation, netSpec.pooling, cMean, cScale,
                                        layout.width > 0 ? oMean : std::vector<float>{},
                                        layout.width > 0 ? oScale : std::vector<float>{});
  }
  im->net = net;
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(ts.learningRate).weight_decay(ts.weightDecay));

  const auto trainCounts = data.counts(Split::Training);
  auto bceOptions = torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions();
  if (!multi && ts.balanceClasses && trainCounts.positives > 0) {
    const double w = static_cast<double>(trainCounts.rows - trainCounts.positives) / static_cast<double>(trainCounts.positives);
    bceOptions.pos_weight(torch::full({1}, static_cast<float>(w)));
  }
  auto ceOptions = torch::nn::functional::CrossEntropyFuncOptions();
  std::vector<float> weightOf(im->outputs, 1.0f);
  if (multi) {
    if (auto w = classWeights(spec, trainCounts); w.defined()) {
      std::copy_n(w.data_ptr<float>(), im->outputs, weightOf.begin());
      ceOptions.weight(w);
    }
  }
  auto loss = [&](const torch::Tensor& z, const Chunk& c, std::size_t a, std::size_t n) {
    auto y = torch::from_blob(const_cast<float*>(c.labels.data() + a), {static_cast<int64_t>(n)});
    if (!multi) {
      return torch::nn::functional::binary_cross_entropy_with_logits(z, y.unsqueeze(1), bceOptions);
    }
    return torch::nn::functional::cross_entropy(z, y.to(torch::kLong), ceOptions);
  };

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
        const auto tb = Clock::now();
        const Batch b = batchOf(c, a, n, layout);
        const auto ts0 = Clock::now();
        im->batchSeconds += std::chrono::duration<double>(ts0 - tb).count();
        adam.zero_grad();
        auto l = loss(net->logits(b), c, a, n);
        l.backward();
        adam.step();
        im->stepSeconds += secondsSince(ts0);
        lossSum += l.item<double>() * static_cast<double>(n);
        seen += n;
        ++batches;
        if (callbacks.onBatch && (batches % 16 == 0 || seen == trainCounts.rows)) {
          callbacks.onBatch({epoch, seen, trainCounts.rows, lossSum / static_cast<double>(seen)});
        }
      }
    });
    im->samples += seen;

    net->eval();
    std::vector<float> probs, labels;
    data.forEachChunk(Split::Validation, 0, [&](const Chunk& c) {
      im->probabilities(c, probs);
      labels.insert(labels.end(), c.labels.begin(), c.labels.end());
    });
    EpochReport r;
    r.epoch = epoch;
    r.epochs = ts.epochs;
    r.trainLoss = seen > 0 ? lossSum / static_cast<double>(seen) : 0.0;
    if (!multi) {
      r.validationLoss = logLoss(probs, labels);
      r.validationAccuracy = accuracy(probs, labels);
      r.validationAuc = rocAuc(probs, labels);
    } else {
      // The training objective on the validation set (weighted), and accuracy and
      // one-against-the-rest AUC per class, averaged.
      const std::size_t k = im->outputs, rows = labels.size();
      double num = 0, den = 0;
      uint64_t right = 0;
      std::vector<float> score(rows), truth(rows);
      double aucSum = 0;
      for (std::size_t i = 0; i < rows; ++i) {
        const auto y = static_cast<std::size_t>(labels[i]);
        const float* p = probs.data() + i * k;
        num += -weightOf[y] * std::log(std::max(static_cast<double>(p[y]), 1e-12));
        den += weightOf[y];
        right += static_cast<uint64_t>(std::max_element(p, p + k) - p) == y ? 1 : 0;
      }
      for (std::size_t c = 0; c < k; ++c) {
        for (std::size_t i = 0; i < rows; ++i) {
          score[i] = probs[i * k + c];
          truth[i] = static_cast<std::size_t>(labels[i]) == c ? 1.0f : 0.0f;
        }
        const double auc = rocAuc(score, truth);
        aucSum += std::isnan(auc) ? 0.5 : auc;
      }
      r.validationLoss = den > 0 ? num / den : 0.0;
      r.validationAccuracy = rows > 0 ? static_cast<double>(right) / static_cast<double>(rows) : 0.0;
      r.validationAuc = aucSum / static_cast<double>(k);
    }
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

  if (auto* m = dynamic_cast<MlpNet*>(net.get())) {
    MlpWeights w;
    m->layers.exportTo(w, m->sizes);
    w.mean = oMean;
    w.scale = oScale;
    im->mlp = std::move(w);
  } else {
    auto* d = dynamic_cast<DeepSetsNet*>(net.get());
    DeepSetsWeights w;
    d->phi.exportTo(w.phi, d->phiSizes);
    w.phi.mean = cMean;
    w.phi.scale = cScale;
    d->rho.exportTo(w.rho, d->rhoSizes);
    if (layout.width > 0) {
      w.objectMean = oMean;
      w.objectScale = oScale;
    }
    w.pooling = netSpec.pooling;
    im->deepSets = std::move(w);
  }
  return TrainedModel(std::move(im));
}

} // namespace podml::train
