package lint

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8sjson "sigs.k8s.io/json"

	"github.com/prodlint/prodlint/render"
)

// typeWalker walks a raw object along a Go type the way the API server's
// JSON decoder (sigs.k8s.io/json, case-sensitive and strict) reads it, and
// records every field the type lacks and every value the decoder refuses,
// at its path. Types with their own decoding (json.Unmarshaler, such as
// resource.Quantity and intstr.IntOrString) are handed to the real decoder.
type typeWalker struct {
	problems []schemaProblem
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	byteSlice       = reflect.TypeFor[[]byte]()
)

func (w *typeWalker) add(c schemaClass, p render.Path, format string, args ...any) {
	w.problems = append(w.problems, schemaProblem{class: c, path: p, message: fmt.Sprintf(format, args...)})
}

// typeError records a value of the wrong JSON type; want is the JSON type
// the field takes (for the hint) and wantText how a message names it.
func (w *typeWalker) typeError(p render.Path, v any, want, wantText string) {
	w.add(invalidType, p, "%s is %s, but the API expects %s; %s", fieldSubject(p), describeValue(v), wantText, typeHint(p, v, want))
}

// walk checks raw value v against Go type t at path p; up is the struct
// type that holds the field at p (nil at the top and for the values of a
// map), for hints.
func (w *typeWalker) walk(v any, t reflect.Type, p render.Path, up reflect.Type) {
	if v == nil {
		return // JSON null leaves any field unset
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if pt := reflect.PointerTo(t); pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		w.custom(v, t, p)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			w.typeError(p, v, "object", "a mapping")
			return
		}
		fs := fieldsOf(t)
		for _, k := range rawKeys(m) {
			ft, ok := fs.byName[k]
			if !ok && sopsMetadata(p, k, m[k]) {
				continue
			}
			if !ok {
				w.add(unknownField, p.Key(k), "%s", unknownFieldMessage(p, k, fs.names, "", movedHint(t, up, p, k)))
				continue
			}
			w.walk(m[k], ft, p.Key(k), t)
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			w.typeError(p, v, "object", "a mapping")
			return
		}
		for _, k := range rawKeys(m) {
			w.walk(m[k], t.Elem(), p.Key(k), nil)
		}
	case reflect.Slice, reflect.Array:
		if t == byteSlice || (t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8) {
			w.bytes(v, p)
			return
		}
		l, ok := v.([]any)
		if !ok {
			w.typeError(p, v, "array", "a list")
			return
		}
		names := listNames(l)
		for i, e := range l {
			w.walk(e, t.Elem(), elemPath(p, names, i), up)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			w.typeError(p, v, "string", "a string")
		}
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
		case string:
			if _, ok := yaml11Bools[x]; !ok {
				w.typeError(p, v, "boolean", "a boolean")
			}
		default:
			w.typeError(p, v, "boolean", "a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.integer(v, p, t, false)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.integer(v, p, t, true)
	case reflect.Float32, reflect.Float64:
		switch v.(type) {
		case int, int64, uint64, float64:
		default:
			w.typeError(p, v, "number", "a number")
		}
	}
}

// integer checks a value for an integer field of type t.
func (w *typeWalker) integer(v any, p render.Path, t reflect.Type, unsigned bool) {
	var f float64
	switch x := v.(type) {
	case int:
		f = float64(x)
	case int64:
		f = float64(x)
	case uint64:
		f = float64(x)
	case float64:
		f = x
	default:
		w.typeError(p, v, "integer", "an integer")
		return
	}
	bits := t.Bits()
	lo, hi := -math.Pow(2, float64(bits-1)), math.Pow(2, float64(bits-1))
	if unsigned {
		lo, hi = 0, math.Pow(2, float64(bits))
	}
	switch {
	case f != math.Trunc(f):
		w.typeError(p, v, "integer", "an integer")
	case f < lo || f >= hi:
		w.add(invalidValue, p, "%s is %v, out of the range of its %d-bit integer; use a smaller number", fieldSubject(p), v, bits)
	}
}

// bytes checks a value for a []byte field: a base64 string.
func (w *typeWalker) bytes(v any, p render.Path) {
	s, ok := v.(string)
	if !ok {
		w.typeError(p, v, "string", "a base64 string")
		return
	}
	if _, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(s)); err != nil {
		w.add(invalidValue, p, "%s is not valid base64; encode the value, or put it in stringData if this is a Secret", fieldSubject(p))
	}
}

// customTypes describe the types with their own decoding that manifests
// use: the JSON types they take and an example of a valid value.
var customTypes = map[reflect.Type]struct {
	name    string   // the value's kind in messages
	json    []string // JSON types accepted
	example string
}{
	reflect.TypeFor[resource.Quantity]():  {"a quantity", []string{"string", "number"}, "500m, 2 or 1Gi"},
	reflect.TypeFor[intstr.IntOrString](): {"an integer or a string", []string{"string", "integer"}, "8080 or http"},
	reflect.TypeFor[metav1.Time]():        {"an RFC 3339 time", []string{"string"}, "2025-01-02T15:04:05Z"},
	reflect.TypeFor[metav1.MicroTime]():   {"an RFC 3339 time", []string{"string"}, "2025-01-02T15:04:05.000000Z"},
	reflect.TypeFor[metav1.Duration]():    {"a duration", []string{"string"}, "30s or 1h"},
}

// custom decodes a value of a type with its own decoding with the real
// decoder.
func (w *typeWalker) custom(v any, t reflect.Type, p render.Path) {
	ct, known := customTypes[t]
	if known && !jsonTypeIn(v, ct.json) {
		want := ct.json[0]
		if len(ct.json) > 1 && ct.json[1] == "integer" {
			want = "integer"
		}
		w.typeError(p, v, want, ct.name)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	err = k8sjson.UnmarshalCaseSensitivePreserveInts(b, reflect.New(t).Interface())
	if err == nil {
		return
	}
	var te *json.UnmarshalTypeError
	switch {
	case known && errors.As(err, &te):
		w.typeError(p, v, ct.json[0], ct.name)
	case known:
		w.add(invalidValue, p, "%s is not %s (%s); write a value such as %s", fieldSubject(p), ct.name, shortValue(v), ct.example)
	default:
		w.add(invalidValue, p, "%s is not a valid %s (%s); fix the value", fieldSubject(p), t.Name(), shortValue(v))
	}
}

// shortValue formats a raw value for a message.
func shortValue(v any) string {
	if s, ok := v.(string); ok {
		return quoteShort(s)
	}
	b, _ := json.Marshal(v)
	return quoteShort(string(b))
}

// jsonTypeIn reports whether raw value v has one of the JSON types ts.
func jsonTypeIn(v any, ts []string) bool {
	var t string
	switch x := v.(type) {
	case string:
		t = "string"
	case bool:
		t = "boolean"
	case map[string]any:
		t = "object"
	case []any:
		t = "array"
	case float64:
		t = "number"
		if x == math.Trunc(x) {
			t = "integer"
		}
	default:
		t = "integer"
	}
	for _, x := range ts {
		if x == t || (x == "number" && t == "integer") {
			return true
		}
	}
	return false
}

// movedHint says where an unknown field key of struct type t (at path p)
// belongs when it is a field of the mapping above (up, at the path
// that p's last key step leaves) or of a mapping or list element right
// below: `it is a field of containers[], move it there`. It returns "" when
// neither has it.
func movedHint(t, up reflect.Type, p render.Path, key string) string {
	if up != nil {
		if _, ok := fieldsOf(up).byName[key]; ok {
			i := len(p) - 1
			for i >= 0 && !p[i].IsKey {
				i--
			}
			if i > 0 {
				return "it is a field of " + shortPath(p[:i]) + ", move it up"
			}
			if i == 0 {
				return "it is a top-level field, move it up"
			}
		}
	}
	fs := fieldsOf(t)
	for _, name := range fs.names {
		if name == "status" {
			continue // never written in manifests
		}
		ft, list := fs.byName[name], ""
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			if ft.Kind() == reflect.Slice {
				list = "[]"
			}
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Struct || ft == t {
			continue
		}
		if _, ok := fieldsOf(ft).byName[key]; ok {
			return "it is a field of " + name + list + ", move it there"
		}
	}
	return ""
}

// structFields are the JSON fields of a struct type.
type structFields struct {
	byName map[string]reflect.Type
	// names are the field names, sorted, for suggestions.
	names []string
}

var fieldCache sync.Map // reflect.Type → *structFields

// fieldsOf returns the JSON fields of struct type t, following
// encoding/json: exported fields by their json tag name (or Go name),
// embedded structs without a tag name inlined, and among fields of the same
// name the shallowest wins (a tie drops them all).
func fieldsOf(t reflect.Type) *structFields {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*structFields)
	}
	type cand struct {
		t      reflect.Type
		depth  int
		tagged bool
		n      int // candidates at this depth and taggedness
	}
	found := map[string]*cand{}
	var collect func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	collect = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					collect(ft, depth+1, seen)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = f.Name
			}
			c := found[name]
			switch {
			case c == nil || depth < c.depth || (depth == c.depth && tagged && !c.tagged):
				found[name] = &cand{f.Type, depth, tagged, 1}
			case depth == c.depth && tagged == c.tagged:
				c.n++
			}
		}
	}
	collect(t, 0, map[reflect.Type]bool{})
	fs := &structFields{byName: map[string]reflect.Type{}}
	for name, c := range found {
		if c.n == 1 {
			fs.byName[name] = c.t
			fs.names = append(fs.names, name)
		}
	}
	sort.Strings(fs.names)
	fieldCache.Store(t, fs)
	return fs
}
