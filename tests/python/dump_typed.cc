// Reads a file written from NumPy by tests/python/test_write_events.py with the compiled
// testdm classes and prints what the typed API sees, one JSON document: the test compares
// it with the arrays it wrote, so Python-made files are proven to read as C++ objects.
//
// Usage: podml-dump-typed FILE.h5
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/HitMCLinkCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/Json.h"
#include "podml/io/Reader.h"

#include <iostream>

namespace {

using podml::json::Value;

template <typename Range, typename F>
Value array(const Range& r, F f) {
  Value a = Value::array();
  for (const auto& x : r) {
    a.push_back(Value(f(x)));
  }
  return a;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: podml-dump-typed FILE.h5\n";
    return 2;
  }
  try {
    podml::io::Reader reader({argv[1]});
    Value events = Value::array();
    for (std::size_t e = 0; e < reader.getEntries("events"); ++e) {
      const auto f = reader.readFrame("events", e);
      Value ev = Value::object();
      const auto& every = f.get<ex::WithEverythingCollection>("Everything");
      Value ws = Value::array();
      for (const auto w : every) {
        Value o = Value::object();
        o.set("scalar", Value(static_cast<double>(w.scalar())));
        o.set("arr", array(w.arr(), [](float v) { return static_cast<double>(v); }));
        o.set("position_y", Value(w.position().y));
        o.set("nested_counts", array(w.nested().counts, [](int v) { return static_cast<int64_t>(v); }));
        o.set("comps_b", array(w.comps(), [](const ex::Vec2& v) { return static_cast<double>(v.b); }));
        o.set("flag", Value(w.flag()));
        o.set("bigID", Value(static_cast<int64_t>(w.bigID())));
        o.set("weights", array(w.weights(), [](double v) { return v; }));
        o.set("points_a", array(w.points(), [](const ex::Vec2& v) { return static_cast<double>(v.a); }));
        o.set("cluster_energy", w.cluster().isAvailable() ? Value(static_cast<double>(w.cluster().energy())) : Value());
        o.set("anyHit_energy", w.anyHit().isAvailable() ? Value(w.anyHit().energy()) : Value());
        o.set("particles_PDG", array(w.particles(), [](const ex::MC& m) { return static_cast<int64_t>(m.PDG()); }));
        ws.push_back(std::move(o));
      }
      ev.set("Everything", std::move(ws));
      const auto& mcs = f.get<ex::MCCollection>("MCs");
      ev.set("MC_status", array(mcs, [](const ex::MC& m) { return static_cast<int64_t>(m.status()); }));
      ev.set("MC_parents_PDG", array(mcs, [](const ex::MC& m) {
               return array(m.parents(), [](const ex::MC& p) { return static_cast<int64_t>(p.PDG()); });
             }));
      const auto& links = f.get<ex::HitMCLinkCollection>("Links");
      ev.set("link_from_energy", array(links, [](const ex::HitMCLink& l) { return l.getFrom().energy(); }));
      ev.set("link_to_PDG", array(links, [](const ex::HitMCLink& l) { return static_cast<int64_t>(l.getTo().PDG()); }));
      ev.set("link_weight", array(links, [](const ex::HitMCLink& l) { return static_cast<double>(l.getWeight()); }));
      const auto& refs = f.get<ExampleHitCollection>("HitRefs");
      ev.set("subset_energy", array(refs, [](const ExampleHit& h) { return h.energy(); }));
      ev.set("run", Value(static_cast<int64_t>(f.getParameter<int>("run").value_or(-1))));
      events.push_back(std::move(ev));
    }
    std::cout << podml::json::dump(events) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podml-dump-typed: " << e.what() << "\n";
    return 1;
  }
}
