package lint

// schemaNode is the structural part of a CRD schema (its properties, items
// and Kubernetes extensions), which decides what the API server prunes.
type schemaNode struct {
	typ        string
	props      map[string]*schemaNode
	names      []string // property names, for suggestions
	additional *schemaNode
	// additionalAny is additionalProperties: true.
	additionalAny bool
	items         *schemaNode
	preserve      bool // x-kubernetes-preserve-unknown-fields
	embedded      bool // x-kubernetes-embedded-resource
	nullable      bool
}

// isObject reports whether the node describes a mapping whose unknown
// fields are pruned.
func (n *schemaNode) isObject() bool {
	return n.typ == "object" || n.props != nil || n.additional != nil || n.additionalAny
}

// child returns the schema of field k of a mapping, and whether the field
// is known (declared, or allowed by additionalProperties). A nil schema
// allows anything.
func (n *schemaNode) child(k string) (*schemaNode, bool) {
	if c, ok := n.props[k]; ok {
		return c, true
	}
	if n.additional != nil {
		return n.additional, true
	}
	return nil, n.additionalAny
}

// draft4Keywords are the OpenAPI v3 schema keywords that mean the same in
// JSON Schema draft 4 and are copied as they are. format is left out
// (Kubernetes formats are not JSON Schema's), and so are default,
// description, $ref (not allowed in CRDs) and the x-kubernetes extensions.
var draft4Keywords = []string{
	"pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems",
	"minProperties", "maxProperties", "multipleOf",
}

// jsonTypes are the valid values of type.
var jsonTypes = map[string]bool{"string": true, "integer": true, "number": true, "boolean": true, "object": true, "array": true}

// translateSchema turns a CRD's OpenAPI v3 schema into a JSON Schema draft
// 4 document and its structural node:
//   - nullable: true adds null to the type (and to the enum);
//   - x-kubernetes-int-or-string: true is type [integer, string];
//   - a required field that has a default is not required (the API server
//     fills it in before validating);
//   - at the root, metadata and status are not validated (the API server
//     validates metadata itself; status is not applied).
//
// x-kubernetes-preserve-unknown-fields and x-kubernetes-embedded-resource
// only matter to pruning, which the node drives.
func translateSchema(s map[string]any, root bool) (map[string]any, *schemaNode) {
	doc := map[string]any{}
	n := &schemaNode{}
	n.nullable, _ = s["nullable"].(bool)
	n.preserve, _ = s["x-kubernetes-preserve-unknown-fields"].(bool)
	n.embedded, _ = s["x-kubernetes-embedded-resource"].(bool)
	// The root is a resource: apiVersion, kind and metadata are known.
	n.embedded = n.embedded || root
	intOrString, _ := s["x-kubernetes-int-or-string"].(bool)
	n.typ, _ = s["type"].(string)
	switch {
	case intOrString:
		doc["type"] = withNull([]any{"integer", "string"}, n.nullable)
	case jsonTypes[n.typ]:
		doc["type"] = withNull([]any{n.typ}, n.nullable)
	}
	for _, k := range draft4Keywords {
		if v, ok := s[k]; ok {
			doc[k] = v
		}
	}
	for k, base := range map[string]string{"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"} {
		if b, _ := s[k].(bool); b && s[base] != nil {
			doc[k] = true // draft 4 needs the bound with it
		}
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		if n.nullable {
			e = append(append([]any(nil), e...), nil)
		}
		doc["enum"] = e
	}
	if props, ok := s["properties"].(map[string]any); ok {
		n.props = map[string]*schemaNode{}
		dprops := map[string]any{}
		for _, k := range rawKeys(props) {
			ps, ok := props[k].(map[string]any)
			if !ok || (root && (k == "metadata" || k == "status")) {
				continue
			}
			dprops[k], n.props[k] = translateSchema(ps, false)
			n.names = append(n.names, k)
		}
		doc["properties"] = dprops
	}
	if req := requiredWithoutDefault(s, root); len(req) > 0 {
		doc["required"] = req
	}
	switch ap := s["additionalProperties"].(type) {
	case bool:
		n.additionalAny = ap
	case map[string]any:
		doc["additionalProperties"], n.additional = translateSchema(ap, false)
	}
	if items, ok := s["items"].(map[string]any); ok {
		doc["items"], n.items = translateSchema(items, false)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := s[k].([]any); ok && len(l) > 0 {
			var subs []any
			for _, e := range l {
				if m, ok := e.(map[string]any); ok {
					d, _ := translateSchema(m, false)
					subs = append(subs, d)
				}
			}
			doc[k] = subs
		}
	}
	if not, ok := s["not"].(map[string]any); ok {
		doc["not"], _ = translateSchema(not, false)
	}
	return doc, n
}

// withNull adds "null" to a list of types when nullable.
func withNull(types []any, nullable bool) []any {
	if nullable {
		types = append(types, "null")
	}
	return types
}

// requiredWithoutDefault returns the required fields of a schema that
// have no default, and at the root neither metadata nor status.
func requiredWithoutDefault(s map[string]any, root bool) []any {
	req, _ := s["required"].([]any)
	props, _ := s["properties"].(map[string]any)
	var out []any
	for _, r := range req {
		name, ok := r.(string)
		if !ok || (root && (name == "metadata" || name == "status")) {
			continue
		}
		if ps, ok := props[name].(map[string]any); ok && ps["default"] != nil {
			continue
		}
		out = append(out, name)
	}
	return out
}
