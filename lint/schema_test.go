package lint

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	k8sjson "sigs.k8s.io/json"

	"github.com/prodlint/prodlint/render"
)

// widgetCRD defines example.com/v1 Widget; size is the type of spec.size.
func widgetCRD(size string) string {
	return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size:
                  type: ` + size + `
                color:
                  type: string
`
}

const widget = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  size: "3"
  colour: red
`

// schemaMessages runs every schema rule on obj and returns the messages,
// prefixed with the rule id.
func schemaMessages(env Env, obj *render.Object, all []*render.Object) []string {
	var out []string
	for _, id := range []string{"unknown-field", "invalid-field-type", "invalid-field-value", "missing-required-field", "pruned-field"} {
		r, _ := Lookup(id)
		for _, p := range r.Run(env, obj, all) {
			out = append(out, id+": "+p.Message)
		}
	}
	return out
}

// TestSchemaEnvCRDs checks where custom resources find their CRD: in the
// render first, else among the run's CRDs (Env.CRDs); with several
// different schemas only the problems they agree on are reported; without
// a CRD nothing is reported.
func TestSchemaEnvCRDs(t *testing.T) {
	cr := objects(t, "cr.yaml", widget)
	intCRD := objects(t, "crd.yaml", widgetCRD("integer"))
	strCRD := objects(t, "crd2.yaml", widgetCRD("string"))
	pruned := `pruned-field: unknown field "colour" in spec, not in the CRD schema, is pruned by the API server; did you mean "color"?`
	typed := `invalid-field-type: spec.size is a string ("3"), but the CRD schema expects an integer; remove the quotes`
	tests := []struct {
		name string
		crds []*render.Object
		objs []*render.Object
		want []string
	}{
		{"no CRD", nil, cr, nil},
		{"run CRD", intCRD, cr, []string{typed, pruned}},
		{"render CRD first", intCRD, append(append([]*render.Object(nil), cr...), strCRD...), []string{pruned}},
		{"two run CRDs agree", append(append([]*render.Object(nil), intCRD...), strCRD...), cr, []string{pruned}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schemaMessages(Env{CRDs: tt.crds}, cr[0], tt.objs)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestSchemaUnusableCRD checks that a CRD whose schema does not compile
// validates nothing and is named in the coverage note.
func TestSchemaUnusableCRD(t *testing.T) {
	crd := objects(t, "crd.yaml", strings.Replace(widgetCRD("integer"), "type: string\n", "type: string\n                  pattern: '(['\n", 1))
	cr := objects(t, "cr.yaml", widget)
	if got := schemaMessages(Env{CRDs: crd}, cr[0], cr); len(got) != 0 {
		t.Errorf("findings with an unusable schema: %q", got)
	}
	want := "the CRD schema of example.com/v1 Widget does not compile, so they were not validated"
	if got := SchemaCoverageNote(cr, crd); got != want {
		t.Errorf("note = %q, want %q", got, want)
	}
}

// TestSchemaCoverageNote checks the note about kinds without a schema.
func TestSchemaCoverageNote(t *testing.T) {
	objs := objects(t, "objs.yaml", `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: a
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: b
---
apiVersion: example.com/v2
kind: Widget
metadata:
  name: w
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
---
apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata:
  name: removed-version
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
`)
	// The same object rendered by another variant counts once.
	objs = append(objs, objects(t, "again.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: a\n")...)
	crds := objects(t, "crd.yaml", widgetCRD("integer"))
	want := "no schema for 2 kinds (3 objects): example.com/v2 Widget (its CRD defines other versions), monitoring.coreos.com/v1 ServiceMonitor; " +
		"add their CRDs to the repository to validate them"
	if got := SchemaCoverageNote(objs, crds); got != want {
		t.Errorf("note =\n%q\nwant\n%q", got, want)
	}
	if got := SchemaCoverageNote(objs[3:6], crds); got != "" {
		t.Errorf("note without uncovered kinds = %q", got)
	}
	if !runsCustomSchemaRules(DefaultRules()) || runsCustomSchemaRules([]*Rule{registry["unknown-field"]}) {
		t.Error("runsCustomSchemaRules is wrong")
	}
}

// TestSchemaWalkerAgreesWithDecoder checks the walk that locates problems
// against the API server's strict decoder on every built-in object of the
// rule fixtures: the walk finds a problem exactly when the decoder refuses
// the object, except for the YAML 1.1 booleans (yes, off) that the walk
// forgives.
func TestSchemaWalkerAgreesWithDecoder(t *testing.T) {
	n := 0
	err := filepath.WalkDir(ruleFixtures, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		files, err := readFixture(filepath.Dir(p))
		if err != nil {
			return err
		}
		objs, err := render.ParseManifest(p, files[filepath.Base(p)])
		if err != nil {
			return nil // fixtures of parse errors
		}
		for _, o := range objs {
			typ := builtinType(o.APIVersion, o.Kind)
			if typ == nil {
				continue
			}
			n++
			raw := map[string]any{}
			for k, v := range o.Raw {
				if k != "status" && !sopsMetadata(nil, k, v) { // the walk skips SOPS metadata on purpose
					raw[k] = v
				}
			}
			b, _ := json.Marshal(raw)
			strict, err := k8sjson.UnmarshalStrict(b, reflect.New(typ).Interface())
			decoderOK := err == nil && len(strict) == 0
			w := &typeWalker{}
			w.walk(raw, typ, nil, nil)
			switch {
			case decoderOK && len(w.problems) > 0:
				t.Errorf("%s: %s: the decoder accepts it, the walk reports %v", p, o.Ref(), w.problems)
			case !decoderOK && len(w.problems) == 0 && !hasYAML11Bool(raw):
				t.Errorf("%s: %s: the decoder refuses it (%v %v), the walk finds nothing", p, o.Ref(), err, strict)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d built-in objects checked", n)
	}
}

// TestSchemaParallel runs the schema rules on shared objects from several
// goroutines, as lint.Run does (run with -race).
func TestSchemaParallel(t *testing.T) {
	objs := objects(t, "all.yaml", widgetCRD("integer")+"---\n"+widget+"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: web\n      resource: {}\n")
	want := strings.Join(schemaMessages(Env{}, objs[1], objs), "\n") + strings.Join(schemaMessages(Env{}, objs[2], objs), "\n")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				got := strings.Join(schemaMessages(Env{CRDs: objs[:1]}, objs[1], objs), "\n") + strings.Join(schemaMessages(Env{}, objs[2], objs), "\n")
				if got != want {
					t.Errorf("got %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestSuggestField(t *testing.T) {
	known := []string{"resources", "readinessProbe", "image", "imagePullPolicy", "name", "ports", "privileged"}
	for in, want := range map[string]string{
		"resource": "resources", "Privileged": "privileged", "imagePullPolciy": "imagePullPolicy",
		"readynessProbe": "readinessProbe", "nme": "name", "imag": "image",
		"foo": "", "port": "ports", "volumes": "", "imagePolicy": "",
	} {
		if got := suggestField(in, known); got != want {
			t.Errorf("suggestField(%q) = %q, want %q", in, got, want)
		}
	}
	if d := editDistance("abcd", "abdc"); d != 1 {
		t.Errorf("editDistance of a swap = %d, want 1", d)
	}
}

// TestSchemaPaths checks how problems are located and named.
func TestSchemaPaths(t *testing.T) {
	for path, want := range map[string]string{
		"spec.template.spec.containers[name=web].resource":                        `resource of container "web"`,
		"spec.template.spec.initContainers[name=init].securityContext.Privileged": `securityContext.Privileged of init container "init"`,
		"spec.jobTemplate.spec.template.spec.containers[0].image":                 "…spec.template.spec.containers[0].image",
		"spec.replicas": "spec.replicas",
	} {
		if got := fieldSubject(render.MustPath(path)); got != want {
			t.Errorf("fieldSubject(%s) = %q, want %q", path, got, want)
		}
	}
	names := listNames([]any{map[string]any{"name": "a"}, map[string]any{"name": "b"}, map[string]any{"name": "b"}, map[string]any{}, "x"})
	if len(names) != 1 || names[0] != "a" {
		t.Errorf("listNames = %v, want only the unique name a", names)
	}
}

// hasYAML11Bool reports whether a raw value holds a YAML 1.1 boolean
// string (yes, off).
func hasYAML11Bool(v any) bool {
	switch x := v.(type) {
	case string:
		_, ok := yaml11Bools[x]
		return ok
	case map[string]any:
		for _, e := range x {
			if hasYAML11Bool(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasYAML11Bool(e) {
				return true
			}
		}
	}
	return false
}
