// Card <-> graph and card <-> data model checks: each mismatch is one line that
// names the input (or output), the member, what the model expects and what it finds.
#include "podml/Definition.h"
#include "podml/onnx/Session.h"

#include <algorithm>

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

uint64_t membersWidth(const CardInput& in) {
  uint64_t w = 0;
  for (const auto& m : in.members) {
    uint64_t mw = 1;
    for (auto d : m.shape) {
      mw *= d;
    }
    w += mw;
  }
  return w;
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

} // namespace

std::vector<std::string> checkCardAgainstGraph(const ModelCard& card, const ModelInfo& info) {
  std::vector<std::string> out;
  for (const auto& in : card.inputs) {
    const std::string what = "input '" + in.name + "'";
    const auto* g = find(info.inputs, in.name);
    if (g == nullptr) {
      out.push_back(what + ": the card binds it but the graph has no such input (graph inputs: " + names(info.inputs) + ")");
      continue;
    }
    checkTensor(what, in.dtype, in.shape, *g, out);
    const uint64_t width = membersWidth(in);
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
                    "; podml binds members to rank 1 ([N]) or 2 ([N, members])");
    }
  }
  for (const auto& g : info.inputs) {
    if (std::none_of(card.inputs.begin(), card.inputs.end(), [&](const CardInput& c) { return c.name == g.name; })) {
      out.push_back("input '" + g.name + "': the graph needs it but the card does not bind it");
    }
  }
  for (std::size_t i = 0; i < card.inputs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (card.inputs[i].name == card.inputs[j].name) {
        out.push_back("input '" + card.inputs[i].name + "': the card binds it twice");
      }
    }
  }
  for (std::size_t i = 0; i < card.outputs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (card.outputs[i].name == card.outputs[j].name) {
        out.push_back("output '" + card.outputs[i].name + "': the card describes it twice");
      }
    }
  }
  for (const auto& o : card.outputs) {
    const std::string what = "output '" + o.name + "'";
    const auto* g = find(info.outputs, o.name);
    if (g != nullptr && o.target) {
      // Write-back stores one number per scored object into a scalar member.
      if (g->hasShape && g->shape.size() == 2 && std::holds_alternative<int64_t>(g->shape[1]) &&
          std::get<int64_t>(g->shape[1]) != 1) {
        out.push_back(what + ": its target member holds one value per object, the graph gives " +
                      dimName(g->shape[1]));
      }
      if (g->hasShape && g->shape.size() > 2) {
        out.push_back(what + ": its target member holds one value per object, the graph's output has rank " +
                      std::to_string(g->shape.size()));
      }
      if (!g->dtype || (*g->dtype != DType::Float32 && *g->dtype != DType::Float64 && *g->dtype != DType::Int32 &&
                        *g->dtype != DType::Int64)) {
        out.push_back(what + ": element type " + onnxTypeName(g->elementType) +
                      " cannot be written back (float, double, int32 or int64)");
      }
    }
    if (g == nullptr) {
      out.push_back(what + ": the card describes it but the graph has no such output (graph outputs: " +
                    names(info.outputs) + ")");
      continue;
    }
    checkTensor(what, o.dtype, o.shape, *g, out);
    if (!o.input.empty() && std::none_of(card.inputs.begin(), card.inputs.end(), [&](const CardInput& c) { return c.name == o.input; })) {
      out.push_back(what + ": it refers to input '" + o.input + "', which the card does not bind");
    }
  }
  return out;
}

std::vector<std::string> checkCardAgainstDataModel(const ModelCard& card, const DataModelDefinition& dm) {
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
    const auto* type = dm.datatype(in.collectionType);
    if (type == nullptr) {
      out.push_back(what + ": the model reads type '" + in.collectionType + "', which '" + dm.name + "' does not define");
      continue;
    }
    for (const auto& m : in.members) {
      const auto* c = type->column(m.path);
      if (c == nullptr || c->kind != ColumnKind::Member) {
        out.push_back(what + ", member '" + m.path + "': the model reads it, " + in.collectionType +
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
    const auto* c = t->column(o.target->member);
    if (c == nullptr || c->kind != ColumnKind::Member || c->width() != 1) {
      out.push_back(what + ": the target member '" + o.target->member + "' is not a scalar member of " + o.target->type);
    }
    if (!o.target->relation.empty()) {
      const auto* r = t->relation(o.target->relation);
      const CardInput* in = nullptr;
      for (const auto& i : card.inputs) {
        if (i.name == o.input || (o.input.empty() && &i == &card.inputs.front())) {
          in = &i;
        }
      }
      if (r == nullptr || r->many) {
        out.push_back(what + ": '" + o.target->relation + "' is not a one-to-one relation of " + o.target->type);
      } else if (in != nullptr && r->type != in->collectionType) {
        bool viaInterface = false;
        if (const auto* iface = dm.interface(r->type)) {
          viaInterface = std::find(iface->types.begin(), iface->types.end(), in->collectionType) != iface->types.end();
        }
        if (!viaInterface) {
          out.push_back(what + ": relation '" + o.target->relation + "' of " + o.target->type + " points to " + r->type +
                        ", but the scored objects are " + in->collectionType);
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

} // namespace podml::onnx
