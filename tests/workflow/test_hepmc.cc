// podml import hepmc: toy events written by HepMC3's own writers (HepMC3 ASCII and HepMC2)
// come back as the same EDM4hep MCParticles, particle by particle; a truncated file, an
// unparsable event and a file that is not HepMC give errors naming the place, and the events
// converted before them survive.
#include "../common/TestPaths.h"

#include "edm4hep/EventHeaderCollection.h"
#include "edm4hep/MCParticleCollection.h"

#include "podml/DataModelRegistry.h"
#include "podml/Exceptions.h"
#include "podml/io/Reader.h"
#include "podml/toy/ToyDataset.h"
#include "podml/workflow/HepMCImport.h"

#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/ReaderAscii.h>
#include <HepMC3/ReaderAsciiHepMC2.h>
#include <HepMC3/WriterAscii.h>
#include <HepMC3/WriterAsciiHepMC2.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using podml::test::tmpPath;
namespace wf = podml::workflow;

constexpr int kEvents = 6;
constexpr double kMmPerNs = 299.792458;

std::shared_ptr<const podml::DataModelDefinition> edm4hep() {
  const auto* d = podml::DataModelRegistry::instance().find("edm4hep");
  return {std::shared_ptr<void>{}, d};
}

// A toy event's MCParticles as a HepMC3 event: particles in index order, one vertex per
// distinct set of parents.
HepMC3::GenEvent toHepMC(const edm4hep::MCParticleCollection& mcs, int number) {
  HepMC3::GenEvent evt(HepMC3::Units::GEV, HepMC3::Units::MM);
  evt.set_event_number(number);
  evt.weights() = {1.0};
  std::vector<HepMC3::GenParticlePtr> ps;
  for (const auto mc : mcs) {
    const auto p = mc.getMomentum();
    const double e = std::sqrt(p.x * p.x + p.y * p.y + p.z * p.z + mc.getMass() * mc.getMass());
    auto g = std::make_shared<HepMC3::GenParticle>(HepMC3::FourVector(p.x, p.y, p.z, e), mc.getPDG(),
                                                   mc.getGeneratorStatus());
    g->set_generated_mass(mc.getMass());
    evt.add_particle(g);
    ps.push_back(g);
  }
  std::map<std::vector<int>, HepMC3::GenVertexPtr> vertices;
  for (std::size_t i = 0; i < mcs.size(); ++i) {
    std::vector<int> parents;
    for (const auto& q : mcs[i].getParents()) {
      parents.push_back(q.getObjectID().index);
    }
    if (parents.empty()) {
      continue;
    }
    auto& v = vertices[parents];
    if (!v) {
      const auto x = mcs[i].getVertex();
      v = std::make_shared<HepMC3::GenVertex>(HepMC3::FourVector(x.x, x.y, x.z, mcs[i].getTime() * kMmPerNs));
      for (int q : parents) {
        v->add_particle_in(ps[static_cast<std::size_t>(q)]);
      }
      evt.add_vertex(v);
    }
    v->add_particle_out(ps[i]);
  }
  return evt;
}

struct Written {
  std::string hepmc3 = tmpPath("toy.hepmc3"), hepmc2 = tmpPath("toy.hepmc2");
  std::vector<podml::Frame> toy;
  Written() {
    HepMC3::WriterAscii w3(hepmc3);
    HepMC3::WriterAsciiHepMC2 w2(hepmc2);
    for (int e = 0; e < kEvents; ++e) {
      toy.push_back(podml::toy::makeToyEvent(3, static_cast<uint64_t>(e)));
      const auto evt = toHepMC(toy.back().get<edm4hep::MCParticleCollection>("MCParticles"), 100 + e);
      w3.write_event(evt);
      w2.write_event(evt);
    }
    w3.close();
    w2.close();
  }
};

const Written& written() {
  static const Written w;
  return w;
}

std::vector<int> indices(const podml::RelationRange<edm4hep::MCParticle>& r) {
  std::vector<int> out;
  for (const auto& p : r) {
    out.push_back(p.getObjectID().index);
  }
  return out;
}

// HepMC3's writers order particles by vertex, not as they were added: per event, the toy
// index of each particle in the order of `hepmc` (read back with HepMC3's own readers),
// found by PDG code and momentum.
std::vector<std::vector<int>> fileOrder(const std::string& hepmc, bool v2) {
  std::unique_ptr<HepMC3::Reader> r;
  if (v2) {
    r = std::make_unique<HepMC3::ReaderAsciiHepMC2>(hepmc);
  } else {
    r = std::make_unique<HepMC3::ReaderAscii>(hepmc);
  }
  std::vector<std::vector<int>> order;
  for (std::size_t e = 0; e < written().toy.size(); ++e) {
    HepMC3::GenEvent evt;
    if (!r->read_event(evt) || r->failed()) {
      break;
    }
    const auto& toy = written().toy[e].get<edm4hep::MCParticleCollection>("MCParticles");
    std::vector<int> idx;
    for (const auto& p : evt.particles()) {
      int best = -1;
      double bestD = 1e-6;
      for (std::size_t i = 0; i < toy.size(); ++i) {
        const auto m = toy[i].getMomentum();
        const double d = std::abs(m.x - p->momentum().px()) + std::abs(m.y - p->momentum().py()) +
                         std::abs(m.z - p->momentum().pz());
        if (toy[i].getPDG() == p->pid() && d < bestD) {
          best = static_cast<int>(i);
          bestD = d;
        }
      }
      idx.push_back(best);
    }
    order.push_back(std::move(idx));
  }
  return order;
}

std::vector<int> mapped(const std::vector<int>& toyIndices, const std::vector<int>& order) {
  std::vector<int> out;
  for (int t : toyIndices) {
    out.push_back(static_cast<int>(std::find(order.begin(), order.end(), t) - order.begin()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void expectSameParticles(const std::string& file, std::size_t events, bool v2 = false) {
  const auto order = fileOrder(v2 ? written().hepmc2 : written().hepmc3, v2);
  podml::io::Reader reader({file});
  ASSERT_EQ(reader.getEntries("events"), events);
  for (std::size_t e = 0; e < events; ++e) {
    const auto f = reader.readFrame("events", e);
    const auto& got = f.get<edm4hep::MCParticleCollection>("MCParticles");
    const auto& want = written().toy[e].get<edm4hep::MCParticleCollection>("MCParticles");
    ASSERT_EQ(got.size(), want.size()) << "event " << e;
    ASSERT_EQ(order[e].size(), got.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      ASSERT_GE(order[e][i], 0) << "particle " << i << " of event " << e << " has no toy match";
      const auto a = got[i], b = want[static_cast<std::size_t>(order[e][i])];
      SCOPED_TRACE("event " + std::to_string(e) + ", particle " + std::to_string(i));
      EXPECT_EQ(a.getPDG(), b.getPDG());
      EXPECT_EQ(a.getGeneratorStatus(), b.getGeneratorStatus());
      EXPECT_NEAR(a.getMomentum().x, b.getMomentum().x, 1e-12 * (1 + std::abs(b.getMomentum().x)));
      EXPECT_NEAR(a.getMomentum().z, b.getMomentum().z, 1e-12 * (1 + std::abs(b.getMomentum().z)));
      EXPECT_NEAR(a.getMass(), b.getMass(), 1e-12 * (1 + b.getMass()));
      if (std::abs(b.getPDG()) > 8) { // the toy leaves quarks uncharged; podml gives them their charge
        EXPECT_FLOAT_EQ(a.getCharge(), b.getCharge()) << "PDG " << b.getPDG();
      } else {
        EXPECT_FLOAT_EQ(3 * std::abs(a.getCharge()), b.getPDG() % 2 == 0 ? 2.f : 1.f) << "PDG " << b.getPDG();
      }
      if (!b.getParents().empty()) {
        EXPECT_NEAR(a.getVertex().y, b.getVertex().y, 1e-9 * (1 + std::abs(b.getVertex().y)));
        EXPECT_NEAR(a.getTime(), b.getTime(), 1e-5 * (1 + std::abs(b.getTime())));
      }
      auto sorted = [](std::vector<int> v) {
        std::sort(v.begin(), v.end());
        return v;
      };
      EXPECT_EQ(sorted(indices(a.getParents())), mapped(indices(b.getParents()), order[e]));
      EXPECT_EQ(sorted(indices(a.getDaughters())), mapped(indices(b.getDaughters()), order[e]));
    }
    const auto& header = f.get<edm4hep::EventHeaderCollection>("EventHeader");
    ASSERT_EQ(header.size(), 1u);
    EXPECT_EQ(header[0].getEventNumber(), 100u + e);
    EXPECT_EQ(header[0].getWeight(), 1.0);
  }
}

TEST(HepMCImport, ToyEventsThroughHepMC3sWriterComeBackTheSame) {
  wf::HepMCImportRequest rq;
  rq.inputs = {written().hepmc3};
  rq.output = tmpPath("from-hepmc3.h5");
  const auto s = wf::importHepMC(rq, edm4hep());
  EXPECT_EQ(s.events, uint64_t(kEvents));
  expectSameParticles(rq.output, kEvents);
}

TEST(HepMCImport, HepMC2FilesToo) {
  wf::HepMCImportRequest rq;
  rq.inputs = {written().hepmc2};
  rq.output = tmpPath("from-hepmc2.h5");
  wf::importHepMC(rq, edm4hep());
  expectSameParticles(rq.output, kEvents, true);
}

TEST(HepMCImport, SeveralFilesAndAnEventLimit) {
  wf::HepMCImportRequest rq;
  rq.inputs = {written().hepmc3, written().hepmc2};
  rq.output = tmpPath("both.h5");
  EXPECT_EQ(wf::importHepMC(rq, edm4hep()).events, uint64_t(2 * kEvents));
  rq.maxEvents = 4;
  rq.output = tmpPath("four.h5");
  EXPECT_EQ(wf::importHepMC(rq, edm4hep()).events, 4u);
  expectSameParticles(rq.output, 4);
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void expectError(const wf::HepMCImportRequest& rq, const std::string& text) {
  try {
    wf::importHepMC(rq, edm4hep());
    FAIL() << "expected an IoError containing: " << text;
  } catch (const podml::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(HepMCImport, TruncatedFilesKeepTheEventsBeforeTheCut) {
  const std::string text = readAll(written().hepmc3);
  // Cut after the 4th event (no end line: its last event cannot be trusted), inside the 4th
  // event at a line end (HepMC3 finds it incomplete), and inside a line.
  std::vector<std::size_t> starts; // of each event's "E" line
  for (std::size_t at = text.find("\nE "); at != std::string::npos; at = text.find("\nE ", at + 1)) {
    starts.push_back(at + 1);
  }
  ASSERT_EQ(starts.size(), std::size_t(kEvents));
  wf::HepMCImportRequest rq;
  rq.inputs = {tmpPath("cut-after.hepmc3")};
  rq.output = tmpPath("cut-after.h5");
  std::ofstream(rq.inputs[0], std::ios::binary) << text.substr(0, starts[4]);
  expectError(rq, "the file is truncated (it does not end with the END_EVENT_LISTING line HepMC writes on closing), "
                  "so its last event (number 103, the 4th of the file) may be incomplete and was not converted; the 3 "
                  "events before it were written");
  expectSameParticles(rq.output, 3);

  const std::size_t atLine = text.find('\n', text.find("\nP ", starts[3]) + 1);
  rq.inputs = {tmpPath("cut-at-line.hepmc3")};
  rq.output = tmpPath("cut-at-line.h5");
  std::ofstream(rq.inputs[0], std::ios::binary) << text.substr(0, atLine + 1);
  expectError(rq, "HepMC3 cannot parse the 4th event of the file (after event number 102) (the file is truncated");
  expectSameParticles(rq.output, 3);

  rq.inputs = {tmpPath("cut-in-line.hepmc3")};
  rq.output = tmpPath("cut-in-line.h5");
  std::ofstream(rq.inputs[0], std::ios::binary) << text.substr(0, atLine - 20);
  expectError(rq, "HepMC3 cannot parse the 4th event of the file (after event number 102)");
  expectSameParticles(rq.output, 3);
}

TEST(HepMCImport, NotHepMCWritesNothing) {
  wf::HepMCImportRequest rq;
  rq.inputs = {tmpPath("not.hepmc3")};
  rq.output = tmpPath("not.h5");
  std::ofstream(rq.inputs[0]) << "hello\n";
  expectError(rq, "not a HepMC3 or HepMC2 ASCII file");
  EXPECT_FALSE(std::filesystem::exists(rq.output));
  rq.inputs = {tmpPath("missing.hepmc3")};
  expectError(rq, "no such file or not readable");
}

} // namespace
