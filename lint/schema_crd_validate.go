package lint

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/prodlint/prodlint/render"
)

// validateCustom validates a custom resource against the schemas of its
// CRD. With several different schemas for its kind (two versions of a
// chart's CRDs in one run), only the problems every schema finds are
// reported.
func validateCustom(o *render.Object, schemas []*crdSchema) []schemaProblem {
	var common []schemaProblem
	for i, s := range schemas {
		ps, ok := validateWith(o, s)
		if !ok {
			return nil // a schema prodlint cannot use: no verdict
		}
		if i == 0 {
			common = ps
			continue
		}
		common = intersectProblems(common, ps)
	}
	return common
}

// intersectProblems returns the problems of a that b has too.
func intersectProblems(a, b []schemaProblem) []schemaProblem {
	in := map[string]bool{}
	for _, p := range b {
		in[problemKey(p)] = true
	}
	var out []schemaProblem
	for _, p := range a {
		if in[problemKey(p)] {
			out = append(out, p)
		}
	}
	return out
}

func problemKey(p schemaProblem) string {
	return strconv.Itoa(int(p.class)) + " " + p.path.String() + " " + p.message
}

// validateWith validates a custom resource against one schema: it prunes
// the object as the API server does (reporting what is pruned), then
// validates what is left. It returns false when the schema does not
// compile.
func validateWith(o *render.Object, s *crdSchema) ([]schemaProblem, bool) {
	node, sch, err := s.compile()
	if err != nil {
		return nil, false
	}
	c := &crdCheck{prune: s.prune}
	top := make(map[string]any, len(o.Raw))
	for k, v := range o.Raw {
		if k != "metadata" && k != "status" { // validated by the API server itself; not applied
			top[k] = v
		}
	}
	inst := c.clean(top, node, nil)
	var verr *jsonschema.ValidationError
	if err := sch.Validate(inst); errors.As(err, &verr) {
		c.collect(verr, inst)
	}
	return c.problems, true
}

// crdCheck collects the problems of a custom resource.
type crdCheck struct {
	prune    bool
	problems []schemaProblem
}

func (c *crdCheck) add(cl schemaClass, p render.Path, format string, args ...any) {
	c.problems = append(c.problems, schemaProblem{class: cl, path: p, message: fmt.Sprintf(format, args...)})
}

// pruned reports an unknown field, unless its value is null (nothing is
// lost) or the API server keeps unknown fields of this CRD.
func (c *crdCheck) pruned(parent render.Path, key string, v any, n *schemaNode) {
	if v == nil || !c.prune || sopsMetadata(parent, key, v) {
		return
	}
	c.add(prunedField, parent.Key(key), "%s", unknownFieldMessage(parent, key, n.names, ", not in the CRD schema, is pruned by the API server", ""))
}

// clean returns a copy of raw value v, at path p with schema n, as the API
// server validates it: unknown fields pruned (and reported), null fields
// that are not nullable dropped, and yes/no/on/off read as booleans where
// the schema wants one (the YAML 1.1 parsers of kubectl and Helm do). A nil
// schema allows anything.
func (c *crdCheck) clean(v any, n *schemaNode, p render.Path) any {
	if n == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		if !n.isObject() {
			return v
		}
		out := make(map[string]any, len(x))
		for _, k := range rawKeys(x) {
			e := x[k]
			child, known := n.child(k)
			if !known {
				if n.preserve || (n.embedded && (k == "apiVersion" || k == "kind" || k == "metadata")) {
					out[k] = e
					continue
				}
				c.pruned(p, k, e, n)
				if !c.prune {
					out[k] = e
				}
				continue
			}
			if e == nil && (child == nil || !child.nullable) {
				continue // the API server prunes nulls of fields that are not nullable
			}
			out[k] = c.clean(e, child, p.Key(k))
		}
		return out
	case []any:
		if n.items == nil {
			return v
		}
		names := listNames(x)
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = c.clean(e, n.items, elemPath(p, names, i))
		}
		return out
	case string:
		if b, ok := yaml11Bools[x]; ok && n.typ == "boolean" {
			return b
		}
	}
	return v
}

// schemaPrinter formats the validator's messages.
var schemaPrinter = message.NewPrinter(language.English)

// collect turns the validation errors into problems; inst is the validated
// instance, to resolve paths and show values.
func (c *crdCheck) collect(e *jsonschema.ValidationError, inst any) {
	p, v := instancePath(inst, e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, cause := range e.Causes {
			c.collect(cause, inst)
		}
	case *kind.Type:
		c.typeError(p, v, k.Want)
	case *kind.AnyOf, *kind.OneOf:
		if want, ok := typeAlternatives(e); ok {
			c.typeError(p, v, want)
			return
		}
		kw := "anyOf"
		if oneOf, ok := k.(*kind.OneOf); ok {
			kw = "oneOf"
			if len(oneOf.Subschemas) > 1 {
				c.add(invalidValue, p, "%s matches several alternatives of the CRD schema's oneOf, which allows one; keep the fields of one alternative", fieldSubject(p))
				return
			}
		}
		c.add(invalidValue, p, "%s matches none of the alternatives of the CRD schema's %s; fix the value", fieldSubject(p), kw)
	case *kind.Not:
		c.add(invalidValue, p, "%s matches a form the CRD schema forbids (not); fix the value", fieldSubject(p))
	case *kind.Required:
		for _, m := range k.Missing {
			c.add(missingRequired, p.Key(m), "required field %s is missing %s; set it, the CRD schema requires it", quoteShort(m), fieldPlace(p))
		}
	case *kind.Enum:
		c.add(invalidValue, p, "%s is %s, which the CRD schema does not allow; use %s", fieldSubject(p), shortValue(v), enumList(k.Want))
	case *kind.Const:
		c.add(invalidValue, p, "%s is %s, which the CRD schema does not allow; use %s", fieldSubject(p), shortValue(v), enumList([]any{k.Want}))
	case *kind.Pattern:
		c.add(invalidValue, p, "%s (%s) does not match the pattern %s of the CRD schema; fix the value", fieldSubject(p), quoteShort(k.Got), quoteShort(k.Want))
	case *kind.Minimum, *kind.Maximum, *kind.ExclusiveMinimum, *kind.ExclusiveMaximum, *kind.MultipleOf,
		*kind.MinLength, *kind.MaxLength, *kind.MinItems, *kind.MaxItems, *kind.MinProperties, *kind.MaxProperties:
		c.add(invalidValue, p, "%s is invalid (%s, in the CRD schema); fix the value", fieldSubject(p), e.ErrorKind.LocalizedString(schemaPrinter))
	}
}

// typeError reports a value of the wrong JSON type. A null (a list item,
// as fields that are not nullable are pruned) is not reported: whether the
// API server prunes or refuses it is not certain.
func (c *crdCheck) typeError(p render.Path, v any, want []string) {
	if v == nil {
		return
	}
	var names, types []string
	for _, w := range want {
		if n := wantName[w]; n != "" && w != "null" {
			names, types = append(names, n), append(types, w)
		}
	}
	if len(names) == 0 {
		return
	}
	c.add(invalidType, p, "%s is %s, but the CRD schema expects %s; %s", fieldSubject(p), describeValue(v), strings.Join(names, " or "), typeHint(p, v, types[0]))
}

// typeAlternatives returns the union of the wanted types when every
// alternative of an anyOf or oneOf failed on the type of the same value
// (the usual int-or-string form), and whether that is the case.
func typeAlternatives(e *jsonschema.ValidationError) ([]string, bool) {
	var want []string
	for _, cause := range e.Causes {
		t, ok := cause.ErrorKind.(*kind.Type)
		if !ok || strings.Join(cause.InstanceLocation, "/") != strings.Join(e.InstanceLocation, "/") {
			return nil, false
		}
		want = append(want, t.Want...)
	}
	return want, len(want) > 0
}

// instancePath converts a validator's instance location into a path of the
// object (naming list elements by name where it can) and returns the value
// there.
func instancePath(inst any, loc []string) (render.Path, any) {
	var p render.Path
	cur := inst
	for _, tok := range loc {
		switch x := cur.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return p, nil
			}
			p, cur = elemPath(p, listNames(x), i), x[i]
		case map[string]any:
			p, cur = p.Key(tok), x[tok]
		default:
			return p, nil
		}
	}
	return p, cur
}

// enumList formats allowed values for a message: `one of "a", "b"`.
func enumList(vs []any) string {
	var parts []string
	for i, v := range vs {
		if i == 5 {
			parts = append(parts, "…")
			break
		}
		if v != nil {
			parts = append(parts, shortValue(v))
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "one of " + strings.Join(parts, ", ")
}
