#include "podml/workflow/Inference.h"

#include "podml/Exceptions.h"
#include "podml/OutputPath.h"
#include "podml/io/Reader.h"
#include "podml/io/Writer.h"
#include "podml/onnx/Session.h"
#include "podml/workflow/Cards.h"
#include "podml/workflow/DataModels.h"

#include <algorithm>
#include <filesystem>
#include <optional>

namespace podml::workflow {

namespace {

std::string joinQuoted(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    s += (s.empty() ? "'" : ", '") + n + "'";
  }
  return s.empty() ? "none" : s;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

struct InferenceJob::Impl {
  InferenceRequest request;
  std::unique_ptr<io::Reader> reader;
  onnx::ModelCard card;
  std::shared_ptr<const DataModelDefinition> dataModel;
  std::optional<onnx::Session> session;
  std::vector<std::string> read;    // per card input, the collection it reads
  std::vector<std::string> toRead;  // collections to read per event (empty: all)
  bool structured{false};           // the model gathers constituents through relations or links
  std::vector<std::string> keep;    // --only-scores of a structured model: what to write per event
  uint64_t total{0}, first{0}, last{0};
  bool ran{false};

  void loop(io::Writer& writer, InferenceSummary& summary, const Progress& progress, const Warn& warn);

  void checkOutputPath() const {
    // Writing over an input would replace it while it is read; the model too.
    auto inputs = reader->files();
    inputs.push_back(request.model);
    podml::checkOutputPath(request.output, inputs, "scored events");
  }

  void checkCollections(const onnx::SessionOptions& so) {
    const auto& category = request.category;
    // Relations may point into any collection: a structured model reads whole events.
    structured = std::any_of(card.inputs.begin(), card.inputs.end(),
                             [](const onnx::CardInput& in) { return in.constituents.has_value(); });
    std::vector<std::string> stored;
    const auto infos = reader->collections(category);
    for (const auto& c : infos) {
      stored.push_back(c.name);
    }
    for (const auto& [name, coll] : request.inputCollections) {
      const bool known = std::any_of(card.inputs.begin(), card.inputs.end(),
                                     [&, &name = name](const onnx::CardInput& in) { return in.name == name; });
      if (!known) {
        std::vector<std::string> names;
        for (const auto& in : card.inputs) {
          names.push_back(in.name);
        }
        throw UsageError("cannot read input '" + name + "' from collection '" + coll + "': model '" + request.model +
                         "' has no such input (its inputs are " + joinQuoted(names) + ")");
      }
    }
    for (const auto& cardInput : card.inputs) {
      if (!cardInput.of.empty() && request.inputCollections.count(cardInput.name) != 0) {
        throw UsageError("cannot read input '" + cardInput.name + "' from collection '" +
                         request.inputCollections.at(cardInput.name) + "': it is the " +
                         std::string(onnx::inputKindName(cardInput.kind)) + " of input '" + cardInput.of +
                         "' and reads that input's objects; rename the collection of '" + cardInput.of + "'");
      }
      // A mask or index input reads the objects of the input it describes.
      const onnx::CardInput* described = cardInput.of.empty() ? nullptr : card.input(cardInput.of);
      const auto& in = described != nullptr ? *described : cardInput;
      const auto over = request.inputCollections.find(in.name);
      const bool fromOption = over != request.inputCollections.end();
      read.push_back(fromOption ? over->second : in.collection);
      if (!contains(stored, read.back())) {
        const std::string what = "cannot run model '" + request.model + "': input '" + in.name + "' reads collection '" +
                                 read.back() + "', which is not in category '" + category + "' of the input files";
        if (fromOption) {
          throw UsageError(what);
        }
        throw ModelError(what);
      }
    }
    // New collections must not replace what the output also keeps.
    std::vector<std::string> written;
    for (const auto& o : card.outputs) {
      if (!o.target) {
        continue;
      }
      for (const auto& name : onnx::outputCollectionNames(o, so)) {
        if (contains(written, name)) {
          throw ModelError("cannot run model '" + request.model + "': output '" + o.name +
                           "' and another one (or another class) both write collection '" + name + "'");
        }
        written.push_back(name);
        if (request.onlyScores && !structured ? contains(read, name) : contains(stored, name)) {
          const std::string what = "cannot write output '" + o.name + "' of model '" + request.model +
                                   "' to collection '" + name + "': the input files already hold a collection of that "
                                   "name in category '" + category + "'; name another one for the output";
          // The user's own name is a usage error; the card's is the model's (exit 1).
          if (so.outputCollections.count(o.name) != 0) {
            throw UsageError(what);
          }
          throw ModelError(what);
        }
      }
    }
    for (const auto& in : card.inputs) {
      if (in.constituents && !in.constituents->link.empty()) {
        const auto& links = in.constituents->linkCollection;
        if (!contains(stored, links)) {
          throw ModelError("cannot run model '" + request.model + "': input '" + in.name + "' takes constituents from " +
                           "link collection '" + links + "', which is not in category '" + category + "' of the input files");
        }
        if (!contains(read, links)) {
          read.push_back(links); // after the per-input names: the link is read and kept too
        }
      }
    }
    if (request.onlyScores && structured) {
      // A relation may point into any collection, so whole events are read. Kept are the
      // collections read and every collection of a constituent type: the same in every
      // entry, whether or not its objects have constituents there.
      keep = read;
      for (const auto& in : card.inputs) {
        if (!in.constituents) {
          continue;
        }
        const std::string type = onnx::constituentTypeOf(in, *dataModel);
        for (const auto& c : infos) {
          if (!c.subset && c.type == type && !contains(keep, c.name)) {
            keep.push_back(c.name);
          }
        }
      }
    }
    if (request.onlyScores && !structured) {
      for (const auto& r : read) {
        if (!contains(toRead, r)) {
          toRead.push_back(r);
        }
      }
    }
  }
};

json::Value summaryJson(const InferenceSummary& s) {
  auto o = json::Value::object();
  o.set("first", s.firstEntry);
  o.set("last", s.lastEntry);
  o.set("events", s.events);
  o.set("skipped_events", s.skippedEvents);
  auto outputs = json::Value::array();
  for (const auto& c : s.outputs) {
    auto x = json::Value::object();
    x.set("output", c.output);
    x.set("collection", c.collection);
    x.set("type", c.type);
    x.set("objects", c.objects);
    outputs.push_back(std::move(x));
  }
  o.set("outputs", std::move(outputs));
  return o;
}

InferenceJob::InferenceJob(InferenceRequest request) : m_impl(std::make_unique<Impl>()) {
  auto& im = *m_impl;
  im.request = std::move(request);
  const auto& rq = im.request;
  if (rq.shardCount == 0 || rq.shardIndex >= rq.shardCount) {
    throw UsageError("cannot take shard " + std::to_string(rq.shardIndex) + " of " + std::to_string(rq.shardCount) +
                     ": need 0 <= i < n");
  }
  if (rq.output.empty()) {
    throw UsageError("cannot run model '" + rq.model + "': no output file given");
  }
  im.reader = io::makeReader(rq.inputs);
  const auto info = onnx::readModelInfo(rq.model);
  im.card = requireCard(rq.model, info, "run");
  if (!rq.firstInputCollection.empty() && !im.card.inputs.empty()) {
    // Every input on the first input's collection moves with it (weaver's pf_features and
    // pf_vectors read one jet collection).
    const auto& first = im.card.inputs.front().collection;
    for (const auto& in : im.card.inputs) {
      if (in.of.empty() && (in.collection == first || &in == &im.card.inputs.front())) {
        im.request.inputCollections[in.name] = rq.firstInputCollection;
      }
    }
  }
  const auto models = dataModelsIn(*im.reader);
  im.dataModel = models.find(im.card.dataModel);
  if (!im.dataModel) {
    throw ModelError("cannot run model '" + rq.model + "': it reads data model '" + im.card.dataModel +
                     "', which the input files do not contain (they hold " + models.names() + ")");
  }
  const auto categories = im.reader->getAvailableCategories();
  if (!contains(categories, rq.category)) {
    throw UsageError("cannot score category '" + rq.category + "': the input files have no such category (they have " +
                     joinQuoted(categories) + ")");
  }
  im.checkOutputPath();
  onnx::SessionOptions so;
  so.algorithmType = rq.algorithmType;
  so.intraOpThreads = rq.intraOpThreads;
  so.interOpThreads = rq.interOpThreads;
  so.inputCollections = im.request.inputCollections;
  so.outputCollections = rq.outputCollections;
  so.lengthBuckets = rq.lengthBuckets;
  if (rq.eventsPerRun == 0) {
    throw UsageError("cannot run model '" + rq.model + "' on 0 events per run: need at least 1");
  }
  // Before the model is loaded, so that a typo is reported first.
  im.checkCollections(so);
  im.session.emplace(rq.model, *im.dataModel, so);
  im.total = im.reader->getEntries(rq.category);
  const auto range = io::EntryRange::shard(im.total, rq.shardIndex, rq.shardCount);
  im.first = range.first;
  im.last = range.last;
}

InferenceJob::~InferenceJob() = default;

InferenceSummary InferenceJob::run(const Progress& progress, const Warn& warn) {
  auto& im = *m_impl;
  if (im.ran) {
    throw UsageError("cannot run the inference job for '" + im.request.output + "' twice");
  }
  im.ran = true;
  const auto& rq = im.request;
  InferenceSummary summary;
  summary.firstEntry = im.first;
  summary.lastEntry = im.last;
  for (const auto& o : im.card.outputs) {
    if (o.target) {
      for (const auto& name : im.session->outputCollections(o)) {
        summary.outputs.push_back({o.name, name, o.target->type, 0});
      }
    }
  }
  io::Writer writer(rq.output);
  try {
    im.loop(writer, summary, progress, warn);
  } catch (...) {
    // A partial output is of no use: nothing is left, under the final name or the temporary one.
    writer.abandon(false);
    throw;
  }
  return summary;
}

void InferenceJob::Impl::loop(io::Writer& writer, InferenceSummary& summary, const Progress& progress,
                              const Warn& warn) {
  const auto& rq = request;
  auto* im = this;
  const uint64_t perRun = rq.eventsPerRun;
  std::vector<Frame> block;
  std::vector<const Frame*> ptrs;
  std::vector<std::string> skipped;
  for (uint64_t first = im->first; first < im->last; first += perRun) {
    const uint64_t last = std::min(im->last, first + perRun);
    block.clear();
    ptrs.clear();
    for (uint64_t e = first; e < last; ++e) {
      block.push_back(im->reader->readFrame(rq.category, e, im->toRead));
    }
    for (const auto& f : block) {
      ptrs.push_back(&f);
    }
    std::vector<std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>>> outputs;
    try {
      outputs = im->session->runAndWriteBack(ptrs, rq.onEmptyInput == OnEmptyInput::Skip ? &skipped : nullptr);
    } catch (const InferenceError& x) {
      throw InferenceError(std::string(x.what()) + " (entries " + std::to_string(first) + ".." +
                           std::to_string(last - 1) + " of category '" + rq.category + "')");
    }
    for (uint64_t e = first; e < last; ++e) {
      const auto k = static_cast<std::size_t>(e - first);
      Frame& event = block[k];
      if (!skipped.empty() && !skipped[k].empty()) {
        ++summary.skippedEvents;
        if (warn) {
          warn("entry " + std::to_string(e) + " of category '" + rq.category + "' not scored: " + skipped[k]);
        }
      }
      std::vector<std::string> keep = im->keep;
      auto& made = outputs[k];
      for (std::size_t o = 0; o < made.size(); ++o) {
        summary.outputs[o].objects += made[o].second->size();
        if (!keep.empty()) {
          keep.push_back(made[o].first);
        }
        event.put(std::move(made[o].second), made[o].first);
      }
      writer.writeFrame(event, rq.category, keep);
      ++summary.events;
      if (progress) {
        progress(e - im->first + 1, im->last - im->first);
      }
    }
  }
  writer.writeFrame(pidMetadata(*im->session, rq.model, rq.algorithmType), "metadata");
  writer.finish();
}

const InferenceRequest& InferenceJob::request() const { return m_impl->request; }
const onnx::ModelCard& InferenceJob::card() const { return m_impl->card; }
const onnx::Session& InferenceJob::session() const { return *m_impl->session; }
const std::vector<std::string>& InferenceJob::files() const { return m_impl->reader->files(); }
const std::vector<std::string>& InferenceJob::inputCollections() const { return m_impl->read; }
uint64_t InferenceJob::totalEntries() const { return m_impl->total; }
uint64_t InferenceJob::firstEntry() const { return m_impl->first; }
uint64_t InferenceJob::lastEntry() const { return m_impl->last; }

Frame pidMetadata(const onnx::Session& session, const std::string& modelPath, int32_t algorithmType) {
  Frame meta;
  for (const auto& o : session.card().outputs) {
    if (!o.target) {
      continue;
    }
    const auto colls = session.outputCollections(o);
    const bool vector = !o.classes.empty() && o.target->perClass == onnx::ClassWriteBack::Vector;
    for (std::size_t c = 0; c < colls.size(); ++c) {
      const std::string& coll = colls[c];
      // EDM4hep's ParticleIDMeta: the parameter names say what each value of `parameters` is.
      std::vector<std::string> parameterNames{o.name};
      if (vector) {
        parameterNames.clear();
        for (const auto& k : o.classes) {
          parameterNames.push_back(k.name);
        }
      } else if (!o.classes.empty()) {
        parameterNames = {o.classes[c].name};
      }
      meta.putParameter(coll + "__AlgoName", std::filesystem::path(modelPath).stem().string());
      meta.putParameter(coll + "__AlgoType", static_cast<int>(algorithmType));
      meta.putParameter(coll + "__ParameterNames", parameterNames);
      meta.putParameter(coll + "__podml_model", modelPath);
      meta.putParameter(coll + "__podml_meaning", o.meaning);
      if (!o.classes.empty() && !vector) {
        meta.putParameter(coll + "__podml_class", o.classes[c].name);
        meta.putParameter(coll + "__podml_class_code", static_cast<int>(o.classes[c].code));
      }
    }
  }
  return meta;
}

} // namespace podml::workflow
