// EDM4hep events with every datatype, link and the interface, written and read
// back: every collection compared column by column, value by value and relation
// by relation, typed (EDM4hep compiled in) and through the stored definitions.
#include "../common/TestPaths.h"
#include "Edm4hepEvent.h"

#include "podml/io/Reader.h"
#include "podml/io/Writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

namespace {

// Equal as stored data: per-object columns bytewise, vector members object by object
// (in memory their values may sit anywhere in the value columns), relations by ObjectID.
void expectSameCollection(const podml::CollectionBase& a, const podml::CollectionBase& b, const std::string& name) {
  ASSERT_EQ(a.getValueTypeName(), b.getValueTypeName()) << name;
  ASSERT_EQ(a.size(), b.size()) << name;
  ASSERT_EQ(a.isSubsetCollection(), b.isSubsetCollection()) << name;
  EXPECT_EQ(a.getID(), b.getID()) << name;
  if (a.isSubsetCollection()) {
    EXPECT_EQ(a.subsetIDs(), b.subsetIDs()) << name;
    return;
  }
  const auto& def = a.definition();
  const auto ca = a.columns();
  const auto cb = b.columns();
  for (std::size_t k = 0; k < def.columns.size(); ++k) {
    const auto& cd = def.columns[k];
    if (cd.kind == podml::ColumnKind::Member) {
      EXPECT_TRUE(ca[k] == cb[k]) << name << "." << cd.path;
    }
  }
  for (const auto& v : def.vectorMembers) {
    const auto& ba = a.column(v.name + "_begin");
    const auto& ea = a.column(v.name + "_end");
    const auto& bb = b.column(v.name + "_begin");
    const auto& eb = b.column(v.name + "_end");
    for (std::size_t k = 0; k < def.columns.size(); ++k) {
      if (def.columns[k].kind != podml::ColumnKind::VectorValue || def.columns[k].owner != v.name) {
        continue;
      }
      const std::size_t row = ca[k].rowBytes();
      for (std::size_t i = 0; i < a.size(); ++i) {
        const auto na = ea.data<uint32_t>()[i] - ba.data<uint32_t>()[i];
        const auto nb = eb.data<uint32_t>()[i] - bb.data<uint32_t>()[i];
        ASSERT_EQ(na, nb) << name << "." << v.name << " object " << i;
        if (na == 0) {
          continue;
        }
        EXPECT_EQ(0, std::memcmp(static_cast<const std::byte*>(ca[k].rawData()) + ba.data<uint32_t>()[i] * row,
                                 static_cast<const std::byte*>(cb[k].rawData()) + bb.data<uint32_t>()[i] * row, na * row))
            << name << "." << def.columns[k].path << " object " << i;
      }
    }
  }
  for (std::size_t r = 0; r < def.relations.size(); ++r) {
    EXPECT_EQ(a.relationIDs(r), b.relationIDs(r)) << name << " relation " << def.relations[r].name;
  }
}

} // namespace

TEST(Edm4hepRoundTrip, EveryDatatypeLinkAndInterface) {
  const std::string file = podml::test::tmpPath("edm4hep.h5");
  std::vector<podml::Frame> written;
  std::mt19937 rng(7);
  for (uint64_t e = 0; e < 5; ++e) {
    written.push_back(podml::examples::makeEvent(e, rng));
  }
  {
    podml::io::Writer w(file);
    for (const auto& f : written) {
      w.writeFrame(f, "events");
    }
    w.finish();
  }
  podml::io::Reader r({file});
  ASSERT_EQ(r.getEntries("events"), written.size());
  for (std::size_t e = 0; e < written.size(); ++e) {
    const auto read = r.readFrame("events", e);
    ASSERT_EQ(read.getAvailableCollections(), written[e].getAvailableCollections());
    EXPECT_EQ(read.getAvailableCollections().size(), 26u); // 19 datatypes and 7 links
    for (const auto& name : read.getAvailableCollections()) {
      expectSameCollection(*written[e].get(name), *read.get(name), name);
    }
    EXPECT_EQ(read.getParameter<std::string>("generator"), "podml demo");
  }
  // Typed access to what was read: relations and the interface resolve.
  const auto f = r.readFrame("events", 2);
  const auto& tracks = f.get<edm4hep::TrackCollection>("Tracks");
  ASSERT_FALSE(tracks.empty());
  EXPECT_TRUE(tracks[0].getTrackerHits(1).isA<edm4hep::TrackerHitPlane>());
  EXPECT_EQ(tracks[0].getTrackStates(0).location, edm4hep::TrackState::AtIP);
  const auto& recos = f.get<edm4hep::ReconstructedParticleCollection>("ReconstructedParticles");
  EXPECT_EQ(recos[0].getDecayVertex(), f.get<edm4hep::VertexCollection>("Vertices")[0]);
  const auto& links = f.get<edm4hep::RecoMCParticleLinkCollection>("RecoMCParticleLinks");
  EXPECT_EQ(links[0].getTo().getParents(0).getPDG(), 23);
}
