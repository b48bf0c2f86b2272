// Card <-> graph and card <-> data model checks: each mismatch is one line that
// names the input (or output), the member, what the model expects and what it finds.
#include "podml/Definition.h"
#include "podml/onnx/Session.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace podml::onnx {

namespace {

std::string shapeText(const std::vector<Dim>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    s += (i ? ", " : "") + dimName(shape[i]);
  }
  return s + "]";
}

std::string memberText(DType d, const std::vector<uint32_t>& shape, const std::string& unit) {
  std::string s(dtypeName(d));
  if (!shape.empty()) {
    s += "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
      s += (i ? "," : "") + std::to_string(shape[i]);
    }
    s += "]";
  }
  return s + (unit.empty() ? " (no unit)" : " [" + unit + "]");
}


const TensorInfo* find(const std::vector<TensorInfo>& v, const std::string& name) {
  auto it = std::find_if(v.begin(), v.end(), [&](const TensorInfo& t) { return t.name == name; });
  return it == v.end() ? nullptr : &*it;
}

std::string names(const std::vector<TensorInfo>& v) {
  std::string s;
  for (const auto& t : v) {
    s += (s.empty() ? "" : ", ") + t.name;
  }
  return s.empty() ? "none" : s;
}

void checkTensor(const std::string& what, DType cardType, const std::vector<Dim>& cardShape, const TensorInfo& g,
                 std::vector<std::string>& out) {
  if (!g.dtype || *g.dtype != cardType) {
    out.push_back(what + ": the graph has element type " + onnxTypeName(g.elementType) + ", the card says " +
                  std::string(dtypeName(cardType)));
  }
  if (!g.hasShape) {
    return;
  }
  if (g.shape.empty() || std::holds_alternative<int64_t>(g.shape.front())) {
    out.push_back(what + ": the graph's first axis is " + (g.shape.empty() ? "missing" : "fixed to " + dimName(g.shape.front())) +
                  "; podml needs a dynamic object axis (shape " + shapeText(g.shape) + ")");
  }
  if (!cardShape.empty() && cardShape.size() != g.shape.size()) {
    out.push_back(what + ": the graph has rank " + std::to_string(g.shape.size()) + " " + shapeText(g.shape) +
                  ", the card says rank " + std::to_string(cardShape.size()) + " " + shapeText(cardShape));
    return;
  }
  for (std::size_t d = 1; d < cardShape.size(); ++d) {
    if (std::holds_alternative<int64_t>(cardShape[d]) && std::holds_alternative<int64_t>(g.shape[d]) &&
        std::get<int64_t>(cardShape[d]) != std::get<int64_t>(g.shape[d])) {
      out.push_back(what + ": the graph has shape " + shapeText(g.shape) + ", the card says " + shapeText(cardShape));
      return;
    }
  }
}


bool isFixed(const Dim& d) { return std::holds_alternative<int64_t>(d); }
int64_t fixed(const Dim& d) { return std::get<int64_t>(d); }

// The slot axis P of a padded input against the card's `max`.
void checkSlotAxis(const std::string& what, const ConstituentSource& c, const Dim& p, std::vector<std::string>& out) {
  if (!isFixed(p)) {
    return;
  }
  if (c.maxCount == 0) {
    out.push_back(what + ": the graph fixes the constituent axis to " + dimName(p) +
                  ", the card pads to the longest list of the event; set constituents.max to " + dimName(p));
  } else if (fixed(p) != c.maxCount) {
    out.push_back(what + ": the graph fixes the constituent axis to " + dimName(p) + ", the card's constituents.max is " +
                  std::to_string(c.maxCount));
  }
}

bool isIndexType(const std::optional<DType>& d) { return d && (*d == DType::Int64 || *d == DType::Int32); }

void checkStructuredInput(const ModelCard& card, const CardInput& in, const TensorInfo& g, std::vector<std::string>& out) {
  const std::string what = "input '" + in.name + "'";
  const auto rank = g.shape.size();
  if (in.kind == InputKind::Constituents) {
    const auto& c = *in.constituents;
    const auto width = static_cast<uint64_t>(membersWidth(in.members));
    const bool ragged = c.layout == ConstituentLayout::Ragged;
    const std::size_t want = ragged ? 2 : 3;
    const std::string form = ragged ? "[M, F]" : c.layout == ConstituentLayout::FeaturesFirst ? "[N, F, P]" : "[N, P, F]";
    if (!g.hasShape) {
      return;
    }
    if (rank != want) {
      out.push_back(what + ": layout " + std::string(layoutName(c.layout)) + " is " + form + ", the graph has rank " +
                    std::to_string(rank) + " " + shapeText(g.shape));
      return;
    }
    const std::size_t fAxis = c.layout == ConstituentLayout::ConstituentsFirst ? 2 : 1;
    if (isFixed(g.shape[fAxis]) && static_cast<uint64_t>(fixed(g.shape[fAxis])) != width) {
      out.push_back(what + ": the graph expects " + dimName(g.shape[fAxis]) + " features per constituent " + form +
                    ", the card's members give " + std::to_string(width));
    }
    if (!ragged) {
      checkSlotAxis(what, c, g.shape[c.layout == ConstituentLayout::FeaturesFirst ? 2 : 1], out);
    }
    return;
  }
  const CardInput* of = card.input(in.of);
  if (of == nullptr || of->kind != InputKind::Constituents) {
    out.push_back(what + ": it describes input '" + in.of + "', which the card does not bind as a constituents input");
    return;
  }
  const auto& c = *of->constituents;
  if (in.kind == InputKind::Mask) {
    if (c.layout == ConstituentLayout::Ragged) {
      out.push_back(what + ": a mask marks the padding of a padded input; input '" + in.of +
                    "' is ragged (give it segment_ids or offsets instead)");
      return;
    }
    if (!g.dtype || *g.dtype == DType::ObjectID) {
      out.push_back(what + ": a mask of element type " + onnxTypeName(g.elementType) + " cannot be made");
    }
    if (!g.hasShape) {
      return;
    }
    const bool nfp = c.layout == ConstituentLayout::FeaturesFirst;
    if (rank == 2) {
      checkSlotAxis(what, c, g.shape[1], out);
    } else if (rank == 3 && isFixed(g.shape[nfp ? 1 : 2]) && fixed(g.shape[nfp ? 1 : 2]) == 1) {
      checkSlotAxis(what, c, g.shape[nfp ? 2 : 1], out);
    } else {
      out.push_back(what + ": a mask of input '" + in.of + "' is " + (nfp ? "[N, 1, P]" : "[N, P, 1]") +
                    " or [N, P], the graph has " + shapeText(g.shape));
    }
    return;
  }
  if (c.layout != ConstituentLayout::Ragged) {
    out.push_back(what + ": " + std::string(inputKindName(in.kind)) + " index a ragged input; input '" + in.of +
                  "' is padded (" + std::string(layoutName(c.layout)) + ")");
    return;
  }
  if (!isIndexType(g.dtype)) {
    out.push_back(what + ": " + std::string(inputKindName(in.kind)) + " are int64 or int32, the graph has " +
                  onnxTypeName(g.elementType));
  }
  if (g.hasShape && rank != 1) {
    out.push_back(what + ": " + std::string(inputKindName(in.kind)) + " are one index per " +
                  (in.kind == InputKind::SegmentIds ? "constituent [M]" : "scored object plus one [N + 1]") +
                  ", the graph has " + shapeText(g.shape));
  }
}

// Inputs on the scored objects' axis must agree on its symbol: a graph that names it
// differently per input cannot be fed one batch of objects.
void checkObjectAxes(const ModelCard& card, const ModelInfo& info, std::vector<std::string>& out) {
  const TensorInfo* first = nullptr;
  for (const auto& in : card.inputs) {
    const bool onObjects = in.kind == InputKind::Objects || in.kind == InputKind::Mask ||
                           (in.kind == InputKind::Constituents && in.constituents->layout != ConstituentLayout::Ragged);
    const auto* g = find(info.inputs, in.name);
    if (!onObjects || g == nullptr || !g->hasShape || g->shape.empty() || isFixed(g->shape[0])) {
      continue;
    }
    if (first == nullptr) {
      first = g;
    } else if (std::get<std::string>(g->shape[0]) != std::get<std::string>(first->shape[0]) &&
               std::get<std::string>(g->shape[0]) != "?" && std::get<std::string>(first->shape[0]) != "?") {
      out.push_back("input '" + in.name + "': its object axis is '" + dimName(g->shape[0]) + "', input '" + first->name +
                    "' calls it '" + dimName(first->shape[0]) + "'; inputs on the scored objects share one axis");
    }
  }
}

// Names listed more than once, with their counts, in the order of their first repeat.
// Linear, so that a card repeating one output 10,000 times costs one line, not 50 million.
template <typename T>
std::vector<std::pair<std::string, std::size_t>> repeatedNames(const std::vector<T>& items) {
  std::unordered_map<std::string_view, std::size_t> count;
  std::vector<std::pair<std::string, std::size_t>> out;
  for (const auto& item : items) {
    if (++count[item.name] == 2) {
      out.emplace_back(item.name, 0);
    }
  }
  for (auto& [name, n] : out) {
    n = count[name];
  }
  return out;
}

std::string timesText(std::size_t n) { return n == 2 ? "twice" : std::to_string(n) + " times"; }

// Keeps the first of each name, so that the other checks report a repeated name once.
template <typename T>
void dropRepeats(std::vector<T>& items) {
  std::unordered_set<std::string> seen;
  std::erase_if(items, [&](const T& item) { return !seen.insert(item.name).second; });
}

// `inputs` false keeps the inputs as they are: the members hash is computed over all of them.
ModelCard withoutRepeats(const ModelCard& card, bool inputs = true) {
  ModelCard c = card;
  if (inputs) {
    dropRepeats(c.inputs);
  }
  dropRepeats(c.outputs);
  for (auto& o : c.outputs) {
    dropRepeats(o.classes);
  }
  return c;
}

bool isWritable(const std::optional<DType>& d) {
  return d && (*d == DType::Float32 || *d == DType::Float64 || *d == DType::Int32 || *d == DType::Int64);
}

void checkOutputShape(const CardOutput& o, const CardInput* in, const TensorInfo& g, std::vector<std::string>& out) {
  const std::string what = "output '" + o.name + "'";
  const bool perConstituent = o.perConstituent;
  if (perConstituent && (in == nullptr || in->kind != InputKind::Constituents)) {
    out.push_back(what + ": its rows are constituents, so 'input' must name a constituents input");
    return;
  }
  const bool padded = perConstituent && in->constituents->layout != ConstituentLayout::Ragged;
  const std::size_t rank = g.shape.size();
  if (!o.classes.empty()) {
    for (const auto& [name, count] : repeatedNames(o.classes)) {
      out.push_back(what + ": class '" + name + "' is listed " + timesText(count));
    }
    if (perConstituent) {
      out.push_back(what + ": classes are written per scored object; a per-constituent output holds one value");
    } else if (g.hasShape && (rank != 2 || (isFixed(g.shape[1]) && fixed(g.shape[1]) != static_cast<int64_t>(o.classes.size())))) {
      out.push_back(what + ": the card names " + std::to_string(o.classes.size()) + " classes, the graph's output is " +
                    shapeText(g.shape) + " (expected [N, " + std::to_string(o.classes.size()) + "])");
    }
  } else if (o.target && g.hasShape) {
    // Write-back stores one number per row into a scalar member.
    const std::size_t rowRank = padded ? 2 : 1;
    if (rank == rowRank + 1 && isFixed(g.shape[rowRank]) && fixed(g.shape[rowRank]) != 1) {
      out.push_back(what + ": its target member holds one value per " + (perConstituent ? "constituent" : "object") +
                    ", the graph gives " + dimName(g.shape[rowRank]) + (perConstituent ? "" : "; name the columns in 'classes'"));
    } else if (rank < rowRank || rank > rowRank + 1) {
      out.push_back(what + ": its target member holds one value per " + (perConstituent ? "constituent" : "object") +
                    ", the graph's output has rank " + std::to_string(rank) + " " + shapeText(g.shape) + " (expected " +
                    (padded ? "[N, P] or [N, P, 1]" : perConstituent ? "[M] or [M, 1]" : "[N] or [N, 1]") + ")");
    }
  }
  if (o.target && !isWritable(g.dtype)) {
    out.push_back(what + ": element type " + onnxTypeName(g.elementType) +
                  " cannot be written back (float, double, int32 or int64)");
  }
}


bool isFloating(DType d) { return d == DType::Float32 || d == DType::Float64; }

// The relation or link a constituents input reads through; returns the constituent
// datatype, or null after recording why there is none.
const DatatypeDef* checkConstituentSource(const CardInput& in, const DataModelDefinition& dm, const DatatypeDef& scored,
                                          std::vector<std::string>& out) {
  const std::string what = "input '" + in.name + "'";
  const auto& c = *in.constituents;
  const std::string related = constituentTypeOf(in, dm);
  if (related.empty() && !c.relation.empty()) {
    const auto* r = scored.relation(c.relation);
    if (r == nullptr) {
      std::string known;
      for (const auto& rel : scored.relations) {
        if (rel.many) {
          known += (known.empty() ? "" : ", ") + rel.name;
        }
      }
      out.push_back(what + ": the model takes constituents through relation '" + c.relation + "', which " + scored.name +
                    " does not have (its one-to-many relations: " + (known.empty() ? "none" : known) + ")");
    } else {
      out.push_back(what + ": relation '" + c.relation + "' of " + scored.name +
                    " is one-to-one; constituents come through a one-to-many relation");
    }
    return nullptr;
  }
  if (related.empty()) {
    const auto* link = dm.datatype(c.link);
    if (link == nullptr || !link->isLink) {
      out.push_back(what + ": the model takes constituents through link '" + c.link + "', which '" + dm.name +
                    "' does not define");
    } else {
      out.push_back(what + ": link " + c.link + " joins " + link->linkFrom + " and " + link->linkTo +
                    ", neither of which is the scored type " + scored.name);
    }
    return nullptr;
  }
  if (!c.type.empty() && c.type != related) {
    out.push_back(what + ": the model expects constituents of type " + c.type + ", the data's are " + related);
    return nullptr;
  }
  const auto* type = dm.datatype(related);
  if (type == nullptr) {
    out.push_back(what + ": the constituents are " + related + ", an interface; podml gathers members of a datatype");
    return nullptr;
  }
  if (!c.sortBy.empty()) {
    const auto* col = type->column(c.sortBy);
    if (col == nullptr || col->kind != ColumnKind::Member || col->width() != 1) {
      out.push_back(what + ": the model orders constituents by '" + c.sortBy + "', which is not a scalar member of " +
                    related);
    }
  }
  return type;
}

} // namespace

static std::vector<std::string> checkGraph(const ModelCard& card, const ModelInfo& info) {
  std::vector<std::string> out;
  for (const auto& in : card.inputs) {
    const std::string what = "input '" + in.name + "'";
    const auto* g = find(info.inputs, in.name);
    if (g == nullptr) {
      out.push_back(what + ": the card binds it but the graph has no such input (graph inputs: " + names(info.inputs) + ")");
      continue;
    }
    checkTensor(what, in.dtype, in.shape, *g, out);
    if (in.kind != InputKind::Objects) {
      checkStructuredInput(card, in, *g, out);
      continue;
    }
    const auto width = static_cast<uint64_t>(membersWidth(in.members));
    if (g->hasShape && g->shape.size() == 2 && std::holds_alternative<int64_t>(g->shape[1]) &&
        static_cast<uint64_t>(std::get<int64_t>(g->shape[1])) != width) {
      out.push_back(what + ": the graph expects " + dimName(g->shape[1]) + " values per object, the card's members give " +
                    std::to_string(width));
    }
    if (g->hasShape && g->shape.size() == 1 && width != 1) {
      out.push_back(what + ": the graph expects one value per object, the card's members give " + std::to_string(width));
    }
    if (g->hasShape && g->shape.size() > 2) {
      out.push_back(what + ": the graph expects rank " + std::to_string(g->shape.size()) +
                    "; podml binds members to rank 1 ([N]) or 2 ([N, members]); constituents of the objects need "
                    "a constituents input (card version 2)");
    }
  }
  checkObjectAxes(card, info, out);
  for (const auto& g : info.inputs) {
    if (std::none_of(card.inputs.begin(), card.inputs.end(), [&](const CardInput& c) { return c.name == g.name; })) {
      out.push_back("input '" + g.name + "': the graph needs it but the card does not bind it");
    }
  }
  for (const auto& o : card.outputs) {
    const std::string what = "output '" + o.name + "'";
    const auto* g = find(info.outputs, o.name);
    if (g == nullptr) {
      out.push_back(what + ": the card describes it but the graph has no such output (graph outputs: " +
                    names(info.outputs) + ")");
      continue;
    }
    checkTensor(what, o.dtype, o.shape, *g, out);
    const CardInput* in = o.input.empty() ? nullptr : card.input(o.input);
    if (!o.input.empty() && in == nullptr) {
      out.push_back(what + ": it refers to input '" + o.input + "', which the card does not bind");
      continue;
    }
    if (in != nullptr && in->kind != InputKind::Objects && in->kind != InputKind::Constituents) {
      out.push_back(what + ": its rows belong to input '" + o.input + "', a " + std::string(inputKindName(in->kind)) +
                    " input; name the objects or constituents input whose objects the rows are");
      continue;
    }
    checkOutputShape(o, in, *g, out);
  }
  return out;
}

static std::vector<std::string> checkDataModel(const ModelCard& card, const DataModelDefinition& dm) {
  std::vector<std::string> out;
  if (card.dataModel != dm.name) {
    out.push_back("data model: the model reads '" + card.dataModel + "', the data is '" + dm.name + "'");
    return out;
  }
  if (card.schemaVersion != 0 && card.schemaVersion != dm.schemaVersion) {
    out.push_back("data model: the model was made for schema version " + std::to_string(card.schemaVersion) +
                  " of '" + dm.name + "', the data has schema version " + std::to_string(dm.schemaVersion));
  }
  for (const auto& in : card.inputs) {
    const std::string what = "input '" + in.name + "'";
    if (in.kind == InputKind::Mask || in.kind == InputKind::SegmentIds || in.kind == InputKind::Offsets) {
      continue;
    }
    const auto* type = dm.datatype(in.collectionType);
    if (type == nullptr) {
      out.push_back(what + ": the model reads type '" + in.collectionType + "', which '" + dm.name + "' does not define");
      continue;
    }
    if (in.constituents) {
      type = checkConstituentSource(in, dm, *type, out);
      if (type == nullptr) {
        continue;
      }
    }
    for (const auto& m : in.members) {
      const auto* c = type->column(m.path);
      if (c == nullptr || c->kind != ColumnKind::Member) {
        out.push_back(what + ", member '" + m.path + "': the model reads it, " + type->name +
                      " has no such per-object member");
        continue;
      }
      if (c->dtype != m.dtype || c->shape != m.shape || c->unit != m.unit) {
        out.push_back(what + ", member '" + m.path + "': the model expects " + memberText(m.dtype, m.shape, m.unit) +
                      ", the data has " + memberText(c->dtype, c->shape, c->unit));
      }
    }
  }
  for (const auto& o : card.outputs) {
    if (!o.target) {
      continue;
    }
    const std::string what = "output '" + o.name + "'";
    const auto* t = dm.datatype(o.target->type);
    if (t == nullptr) {
      out.push_back(what + ": the target type '" + o.target->type + "' is not defined by '" + dm.name + "'");
      continue;
    }
    const bool vector = !o.classes.empty() && o.target->perClass == ClassWriteBack::Vector;
    const auto* c = t->column(o.target->member);
    if (vector) {
      if (c == nullptr || c->kind != ColumnKind::VectorValue || c->width() != 1 || !isFloating(c->dtype)) {
        out.push_back(what + ": per_class 'vector' writes the class values into a vector member of floats; '" +
                      o.target->member + "' is not one of " + o.target->type);
      }
    } else if (c == nullptr || c->kind != ColumnKind::Member || c->width() != 1) {
      out.push_back(what + ": the target member '" + o.target->member + "' is not a scalar member of " + o.target->type);
    } else if (isFloating(o.dtype) && !isFloating(c->dtype)) {
      // Written as is, every score would be truncated (0.93 becomes 0).
      out.push_back(what + ": the target member '" + o.target->member + "' of " + o.target->type + " holds " +
                    std::string(dtypeName(c->dtype)) + ", the output is " + std::string(dtypeName(o.dtype)) +
                    "; every score would be truncated to an integer, so write it into a floating-point member");
    }
    if (!o.target->classMember.empty()) {
      const auto* k = t->column(o.target->classMember);
      if (k == nullptr || k->kind != ColumnKind::Member || k->width() != 1 || isFloating(k->dtype)) {
        out.push_back(what + ": the class member '" + o.target->classMember + "' is not a scalar integer member of " +
                      o.target->type);
      }
    }
    if (!o.target->relation.empty()) {
      const auto* r = t->relation(o.target->relation);
      const CardInput* in = o.input.empty() ? &card.inputs.front() : card.input(o.input);
      std::string scoredType = in == nullptr ? std::string() : in->collectionType;
      if (o.perConstituent && in != nullptr && in->constituents) {
        scoredType = constituentTypeOf(*in, dm);
      }
      if (r == nullptr || r->many) {
        out.push_back(what + ": '" + o.target->relation + "' is not a one-to-one relation of " + o.target->type);
      } else if (!scoredType.empty() && r->type != scoredType) {
        bool viaInterface = false;
        if (const auto* iface = dm.interface(r->type)) {
          viaInterface = std::find(iface->types.begin(), iface->types.end(), scoredType) != iface->types.end();
        }
        if (!viaInterface) {
          out.push_back(what + ": relation '" + o.target->relation + "' of " + o.target->type + " points to " + r->type +
                        ", but the " + (o.perConstituent ? "constituents" : "scored objects") + " are " + scoredType);
        }
      }
    }
  }
  if (out.empty() && !card.membersHash.empty()) {
    ModelCard fresh = card;
    try {
      fresh.completeFrom(dm);
      if (fresh.membersHash != card.membersHash) {
        out.push_back("data model: the hash of the member definitions the model uses differs (card " + card.membersHash +
                      ", data " + fresh.membersHash + ")");
      }
    } catch (const std::exception& e) {
      out.push_back(std::string("data model: ") + e.what());
    }
  }
  return out;
}

std::vector<std::string> checkCardAgainstGraph(const ModelCard& card, const ModelInfo& info) {
  std::vector<std::string> out;
  for (const auto& [name, count] : repeatedNames(card.inputs)) {
    out.push_back("input '" + name + "': the card binds it " + timesText(count));
  }
  for (const auto& [name, count] : repeatedNames(card.outputs)) {
    out.push_back("output '" + name + "': the card describes it " + timesText(count));
  }
  const auto rest = checkGraph(out.empty() ? card : withoutRepeats(card), info);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::vector<std::string> checkCardAgainstDataModel(const ModelCard& card, const DataModelDefinition& dm) {
  // Copied only when something repeats, which a card read from a file almost never does.
  bool repeats = !repeatedNames(card.outputs).empty();
  for (const auto& o : card.outputs) {
    repeats = repeats || !repeatedNames(o.classes).empty();
  }
  return repeats ? checkDataModel(withoutRepeats(card, false), dm) : checkDataModel(card, dm);
}

} // namespace podml::onnx
