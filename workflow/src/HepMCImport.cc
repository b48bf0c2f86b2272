#include "podml/workflow/HepMCImport.h"

#include "ParticleCharge.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"
#include "podml/OutputPath.h"
#include "podml/io/Writer.h"
#include "podml/workflow/EventArrays.h"

#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/ReaderAscii.h>
#include <HepMC3/ReaderAsciiHepMC2.h>
#include <HepMC3/Setup.h>

#include <fstream>
#include <memory>
#include <optional>

namespace podml::workflow {

namespace {

constexpr double kMmPerNs = 299.792458; // c: HepMC vertex times are lengths (c = 1)

enum class Format { HepMC3, HepMC2 };

// The format from the first non-empty lines, or nullopt if the file is neither.
std::optional<Format> detectFormat(const std::string& path, std::string& firstLine) {
  std::ifstream in(path);
  if (!in) {
    throw IoError("cannot import '" + path + "': no such file or not readable");
  }
  std::string line;
  for (int n = 0; n < 5 && std::getline(in, line); ++n) {
    if (line.empty()) {
      continue;
    }
    if (firstLine.empty()) {
      firstLine = line.substr(0, 60);
    }
    if (line.starts_with("HepMC::Asciiv3-START_EVENT_LISTING")) {
      return Format::HepMC3;
    }
    if (line.starts_with("HepMC::IO_GenEvent-START_EVENT_LISTING")) {
      return Format::HepMC2;
    }
  }
  return std::nullopt;
}

// Whether the file ends with the listing's end line, which HepMC's writers add on close:
// without it the writer was stopped and the last event may be cut.
bool hasEndLine(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const auto size = static_cast<std::streamoff>(in.tellg());
  const std::streamoff tail = std::min<std::streamoff>(size, 256);
  in.seekg(size - tail);
  std::string text(static_cast<std::size_t>(tail), '\0');
  in.read(text.data(), tail);
  return text.find("END_EVENT_LISTING") != std::string::npos;
}

// One event as arrays, in EDM4hep's member paths.
struct EventColumns {
  std::vector<int32_t> pdg, status;
  std::vector<float> charge, time;
  std::vector<double> mass, px, py, pz, vx, vy, vz, ex, ey, ez;
  std::vector<int64_t> parentCounts, parents, daughterCounts, daughters;
  uint64_t number{0};
  std::vector<double> weights;
};

EventColumns convert(const HepMC3::GenEvent& evt) {
  EventColumns c;
  const double pScale = evt.momentum_unit() == HepMC3::Units::MEV ? 1e-3 : 1.0;
  const double lScale = evt.length_unit() == HepMC3::Units::CM ? 10.0 : 1.0;
  const auto& ps = evt.particles();
  c.number = static_cast<uint64_t>(std::max(0, evt.event_number()));
  c.weights = evt.weights();
  // HepMC3 numbers particles 1..n in event order: index = id - 1.
  auto indexOf = [&](const HepMC3::ConstGenParticlePtr& p) { return static_cast<int64_t>(p->id() - 1); };
  for (const auto& p : ps) {
    const auto& m = p->momentum();
    c.pdg.push_back(p->pid());
    c.status.push_back(p->status());
    c.charge.push_back(detail::chargeFromPdg(p->pid()));
    c.mass.push_back(p->generated_mass() * pScale);
    c.px.push_back(m.px() * pScale);
    c.py.push_back(m.py() * pScale);
    c.pz.push_back(m.pz() * pScale);
    const auto prod = p->production_vertex();
    const bool hasProd = prod && prod->id() != 0; // id 0: the event's root vertex
    const HepMC3::FourVector v = hasProd ? prod->position() : HepMC3::FourVector();
    c.vx.push_back(v.x() * lScale);
    c.vy.push_back(v.y() * lScale);
    c.vz.push_back(v.z() * lScale);
    c.time.push_back(static_cast<float>(v.t() * lScale / kMmPerNs));
    const auto end = p->end_vertex();
    const HepMC3::FourVector e = end ? end->position() : HepMC3::FourVector();
    c.ex.push_back(e.x() * lScale);
    c.ey.push_back(e.y() * lScale);
    c.ez.push_back(e.z() * lScale);
    int64_t np = 0, nd = 0;
    if (hasProd) {
      for (const auto& q : prod->particles_in()) {
        c.parents.push_back(indexOf(q));
        ++np;
      }
    }
    if (end) {
      for (const auto& q : end->particles_out()) {
        c.daughters.push_back(indexOf(q));
        ++nd;
      }
    }
    c.parentCounts.push_back(np);
    c.daughterCounts.push_back(nd);
  }
  return c;
}

template <typename T>
ArrayRef ref(const std::vector<T>& v, DType dtype) {
  return ArrayRef{dtype, v.data(), {v.size()}};
}

Frame toFrame(const EventColumns& c, const std::shared_ptr<const DataModelDefinition>& edm4hep,
              const HepMCImportRequest& rq) {
  const std::vector<int64_t> nParticles{static_cast<int64_t>(c.pdg.size())}, one{1}, nWeights{
                                                                                    static_cast<int64_t>(c.weights.size())};
  const std::vector<uint64_t> number{c.number};
  const std::vector<double> weight{c.weights.empty() ? 1.0 : c.weights.front()};
  CollectionArrays mc;
  mc.type = "edm4hep::MCParticle";
  mc.counts = ref(nParticles, DType::Int64);
  mc.members = {{"PDG", ref(c.pdg, DType::Int32)},         {"generatorStatus", ref(c.status, DType::Int32)},
                {"charge", ref(c.charge, DType::Float32)}, {"time", ref(c.time, DType::Float32)},
                {"mass", ref(c.mass, DType::Float64)},     {"momentum.x", ref(c.px, DType::Float64)},
                {"momentum.y", ref(c.py, DType::Float64)}, {"momentum.z", ref(c.pz, DType::Float64)},
                {"vertex.x", ref(c.vx, DType::Float64)},   {"vertex.y", ref(c.vy, DType::Float64)},
                {"vertex.z", ref(c.vz, DType::Float64)},   {"endpoint.x", ref(c.ex, DType::Float64)},
                {"endpoint.y", ref(c.ey, DType::Float64)}, {"endpoint.z", ref(c.ez, DType::Float64)}};
  mc.relations["parents"] = {rq.particles, ref(c.parents, DType::Int64), ref(c.parentCounts, DType::Int64)};
  mc.relations["daughters"] = {rq.particles, ref(c.daughters, DType::Int64), ref(c.daughterCounts, DType::Int64)};
  CollectionArrays header;
  header.type = "edm4hep::EventHeader";
  header.counts = ref(one, DType::Int64);
  header.members = {{"eventNumber", ref(number, DType::UInt64)}, {"weight", ref(weight, DType::Float64)}};
  header.vectors["weights"] = {{{"weights", ref(c.weights, DType::Float64)}}, ref(nWeights, DType::Int64)};
  std::vector<std::pair<std::string, CollectionArrays>> colls;
  colls.emplace_back(rq.particles, std::move(mc));
  colls.emplace_back(rq.header, std::move(header));
  return EventBuilder(edm4hep, std::move(colls)).frame(0);
}

std::string ordinal(uint64_t n) {
  const uint64_t mod100 = n % 100;
  const char* suffix = (mod100 >= 11 && mod100 <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return std::to_string(n) + suffix;
}

} // namespace

HepMCImportSummary importHepMC(const HepMCImportRequest& rq, std::shared_ptr<const DataModelDefinition> edm4hep,
                               const std::function<void(uint64_t)>& progress) {
  if (!edm4hep || edm4hep->datatype("edm4hep::MCParticle") == nullptr ||
      edm4hep->datatype("edm4hep::EventHeader") == nullptr) {
    throw UsageError("cannot import HepMC events: the data model given is not EDM4hep (it lacks edm4hep::MCParticle "
                     "or edm4hep::EventHeader)");
  }
  if (rq.output.empty()) {
    throw UsageError("cannot import HepMC events: no output file given");
  }
  const auto files = io::expandFiles(rq.inputs);
  // Every input is recognised before anything is written.
  std::vector<Format> formats;
  for (const auto& f : files) {
    std::string first;
    const auto fmt = detectFormat(f, first);
    if (!fmt) {
      throw IoError("cannot import '" + f + "': not a HepMC3 or HepMC2 ASCII file (it does not start with "
                    "HepMC::Asciiv3-START_EVENT_LISTING or HepMC::IO_GenEvent-START_EVENT_LISTING; first line: '" +
                    first + "')");
    }
    formats.push_back(*fmt);
  }
  // HepMC3 prints its parse problems itself; podml reports them as errors instead.
  HepMC3::Setup::set_print_warnings(false);
  HepMC3::Setup::set_print_errors(false);
  HepMC3::Setup::set_debug_level(-1);
  HepMCImportSummary summary;
  checkOutputPath(rq.output, io::expandFiles(rq.inputs), "events file");
  io::Writer writer(rq.output);
  const auto write = [&](const EventColumns& c) {
    writer.writeFrame(toFrame(c, edm4hep, rq), "events");
    ++summary.events;
    summary.particles += c.pdg.size();
    if (progress) {
      progress(summary.events);
    }
  };
  std::string failure;
  for (std::size_t fi = 0; fi < files.size() && failure.empty(); ++fi) {
    const auto& f = files[fi];
    summary.files.push_back(f + (formats[fi] == Format::HepMC3 ? " (hepmc3)" : " (hepmc2)"));
    std::unique_ptr<HepMC3::Reader> reader;
    if (formats[fi] == Format::HepMC3) {
      reader = std::make_unique<HepMC3::ReaderAscii>(f);
    } else {
      reader = std::make_unique<HepMC3::ReaderAsciiHepMC2>(f);
    }
    const bool complete = hasEndLine(f);
    std::optional<EventColumns> pending; // the last event read; written once the next one parses
    uint64_t inFile = 0;
    std::string lastNumber = "none";
    bool stoppedEarly = false; // at maxEvents, before the end of the file
    for (;;) {
      if (rq.maxEvents != 0 && summary.events + (pending ? 1 : 0) >= rq.maxEvents) {
        stoppedEarly = true;
        break;
      }
      HepMC3::GenEvent evt;
      const bool ok = reader->read_event(evt);
      if (!ok) {
        failure = "cannot import '" + f + "': HepMC3 cannot parse the " + ordinal(inFile + 1) +
                  " event of the file (after event number " + lastNumber + ")";
        break;
      }
      const bool atEnd = reader->failed();
      if (atEnd && evt.particles().empty()) {
        break; // the end of the listing
      }
      // A file cut after an event ends without the end line: that event arrives with the end.
      ++inFile;
      if (pending) {
        write(*pending);
      }
      pending = convert(evt);
      lastNumber = std::to_string(evt.event_number());
      if (atEnd) {
        break;
      }
    }
    if (!failure.empty() || (!complete && !stoppedEarly)) {
      if (!failure.empty() && !complete) {
        failure += " (the file is truncated: it does not end with the END_EVENT_LISTING line HepMC writes on closing)";
      }
      if (failure.empty()) {
        failure = "cannot import '" + f + "': the file is truncated (it does not end with the END_EVENT_LISTING line "
                  "HepMC writes on closing), so its last event (number " + lastNumber + ", the " + ordinal(inFile) +
                  " of the file) may be incomplete and was not converted";
      } else if (pending) {
        write(*pending); // the event before the one that failed to parse is complete
      }
      break;
    }
    if (pending) {
      write(*pending);
    }
    reader->close();
    if (stoppedEarly) {
      break;
    }
  }
  Frame meta;
  meta.putParameter("podml.import", std::string("podml import hepmc"));
  meta.putParameter("podml.import.files", std::vector<std::string>(summary.files));
  writer.writeFrame(meta, "metadata");
  writer.finish();
  if (!failure.empty()) {
    throw IoError(failure + "; the " + std::to_string(summary.events) + " events before it were written to '" +
                  rq.output + "'");
  }
  return summary;
}

} // namespace podml::workflow
