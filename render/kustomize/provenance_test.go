package kustomize

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// provenanceTrees are kustomizations that exercise provenance: generators
// merged and replaced across layers, components, a base reached twice,
// annotations set by patches and transformers, odd documents, and trees that
// must fall back to origin mode. The value says which mode the tree uses.
var provenanceTrees = map[string]fstest.MapFS{
	"gen": {
		"gen/base/kustomization.yaml": file(`resources:
  - deploy.yaml
configMapGenerator:
  - name: settings
    literals: [A=1]
  - name: files
    files: [app.properties]
    envs: [extra.env]
  - name: keep
    literals: [K=1]
    options:
      disableNameSuffixHash: true
      annotations:
        team: core
secretGenerator:
  - name: creds
    literals: [password=x]
    type: Opaque
generatorOptions:
  labels:
    gen: "yes"
  annotations:
    from: options
`),
		"gen/base/deploy.yaml": file(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    owner: me
spec:
  template:
    spec:
      containers:
        - name: web
          image: web:1
          envFrom:
            - configMapRef: {name: settings}
            - secretRef: {name: creds}
`),
		"gen/base/app.properties": file("x=1\n"),
		"gen/base/extra.env":      file("E=2\n"),
		"gen/overlay/kustomization.yaml": file(`namePrefix: prod-
nameSuffix: -v2
namespace: prod
resources:
  - ../base
configMapGenerator:
  - name: settings
    behavior: merge
    literals: [B=2]
  - name: files
    behavior: replace
    literals: [C=3]
  - name: new
    literals: [N=1]
secretGenerator:
  - name: creds
    behavior: merge
    literals: [user=y]
commonAnnotations:
  env: prod
`),
	},
	"comp": {
		"comp/base/kustomization.yaml": file("resources:\n  - svc.yaml\n"),
		"comp/base/svc.yaml": file(`# a comment
---
apiVersion: v1
kind: Service
metadata:
  name: api
  annotations: {}
spec:
  ports: [{port: 80}]
---
---
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "json", "annotations": {"a": "b"}}, "data": {"k": "v"}}
`),
		"comp/monitoring/kustomization.yaml": file(`apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - monitor.yaml
configMapGenerator:
  - name: dashboards
    literals: [d=1]
patches:
  - target: {kind: Service}
    patch: |-
      - op: add
        path: /metadata/annotations/scrape
        value: "true"
`),
		"comp/monitoring/monitor.yaml": file("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: api\nspec:\n  endpoints: [{port: http}]\n"),
		"comp/overlay/kustomization.yaml": file(`resources:
  - ../base
components:
  - ../monitoring
patches:
  - path: svc-patch.yaml
`),
		"comp/overlay/svc-patch.yaml": file("apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    patched: \"yes\"\n"),
	},
	"diamond": {
		"diamond/common/kustomization.yaml": file("resources:\n  - cm.yaml\n"),
		"diamond/common/cm.yaml":            file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: v\n"),
		"diamond/a/kustomization.yaml":      file("namePrefix: a-\nresources:\n  - ../common\n"),
		"diamond/b/kustomization.yaml":      file("namePrefix: b-\nresources:\n  - ../common\n"),
		"diamond/top/kustomization.yaml":    file("resources:\n  - ../a\n  - ../b\nlabels:\n  - pairs: {app: d}\n    includeSelectors: true\n"),
	},
	// Read by kustomize's reader: a lone List is unwrapped, anchors expanded.
	"list": {
		"list/kustomization.yaml": file("resources:\n  - list.yaml\n"),
		"list/list.yaml":          file("apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: one}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: two}\n"),
	},
	"anchors": {
		"anchors/kustomization.yaml": file("resources:\n  - d.yaml\n"),
		"anchors/d.yaml":             file("apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: p\n  labels: {a: b}\nspec:\n  containers: [{name: c, image: i}]\n"),
	},
	// Trees in origin mode.
	"list2": {
		"list2/kustomization.yaml": file("resources:\n  - list.yaml\n"),
		"list2/list.yaml":          file("apiVersion: v1\nkind: ConfigMapList\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n"),
	},
	"both": {
		"both/kustomization.yaml": file("resources:\n  - cm.yaml\npatches:\n  - path: cm.yaml\n"),
		"both/cm.yaml":            file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n"),
	},
	"buildmeta": {
		"buildmeta/kustomization.yaml": file("buildMetadata: [managedByLabel]\nresources:\n  - cm.yaml\n"),
		"buildmeta/cm.yaml":            file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
	},
}

// provenanceTargets are the targets rendered from provenanceTrees, with
// whether they use annotation mode.
var provenanceTargets = map[string]bool{
	"gen/base": true, "gen/overlay": true, "comp/overlay": true, "diamond/top": true,
	"list": true, "anchors": true, "list2": false, "both": false, "buildmeta": false,
}

func provenanceFS(t testing.TB) fstest.MapFS {
	mem := mapFixtures(t)
	for _, tree := range provenanceTrees {
		for p, f := range tree {
			mem[p] = f
		}
	}
	return mem
}

// renderMode renders dir with origin mode forced or not.
func renderMode(t *testing.T, fsys fs.FS, dir string, origin bool) *render.Variant {
	t.Helper()
	forceOriginMode = origin
	defer func() { forceOriginMode = false }()
	return renderFS(t, fsys, "/repo", dir)
}

// fullSummary is summary with every object's values.
func fullSummary(v *render.Variant) string {
	var b strings.Builder
	b.WriteString(summary(v))
	for _, o := range v.Objects {
		fmt.Fprintf(&b, "%s %v\n", o.Ref(), o.Raw)
	}
	return b.String()
}

// TestProvenanceModes renders every fixture and provenance tree in both
// modes: objects, values, provenance and the location of every path must be
// the same.
func TestProvenanceModes(t *testing.T) {
	mem := provenanceFS(t)
	dirs := append([]string{}, fixtureDirs...)
	for d := range provenanceTargets {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			fast := renderMode(t, mem, dir, false)
			slow := renderMode(t, mem, dir, true)
			if want, ok := provenanceTargets[dir]; ok && (fast.Err != nil || len(fast.Objects) == 0) {
				t.Fatalf("render failed: %v (annotation mode %v)", fast.Err, want)
			}
			got, want := fullSummary(fast), fullSummary(slow)
			if got != want {
				t.Errorf("annotation mode differs from origin mode:\n%s\nwant\n%s", got, want)
			}
			if strings.Contains(got, "prodlint.dev") || strings.Contains(got, "config.kubernetes.io") {
				t.Errorf("tracking annotations left in the output:\n%s", got)
			}
		})
	}
}

// TestProvenanceModeChoice checks which trees use annotation mode.
func TestProvenanceModeChoice(t *testing.T) {
	mem := provenanceFS(t)
	for dir, want := range provenanceTargets {
		tr, err := scan(newRepoFS(mem, "/repo"), dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if _, got := tr.annotatedFiles(); got != want {
			t.Errorf("%s: annotation mode %v, want %v", dir, got, want)
		}
	}
}

// TestResourceNode checks that resourceNode gives the values AsYAML gives,
// with keys in the same order, for every resource of the fixtures.
func TestResourceNode(t *testing.T) {
	mem := provenanceFS(t)
	n := 0
	for _, dir := range append(append([]string{}, fixtureDirs...), "gen/overlay", "comp/overlay", "diamond/top") {
		tr, err := scan(newRepoFS(mem, "/repo"), dir)
		if err != nil {
			continue
		}
		m, err := build(tr)
		if err != nil {
			continue
		}
		for _, res := range m.Resources() {
			y, err := res.AsYAML()
			if err != nil {
				t.Fatal(err)
			}
			var want yaml.Node
			if err := yaml.Unmarshal(y, &want); err != nil {
				t.Fatal(err)
			}
			got, err := resourceNode(res)
			if err != nil {
				t.Fatal(err)
			}
			wo, _ := render.NewObject(&want)
			gotObj, _ := render.NewObject(got)
			if !reflect.DeepEqual(wo.Raw, gotObj.Raw) || !reflect.DeepEqual(keys(wo.Node), keys(gotObj.Node)) {
				t.Errorf("%s %s: resourceNode = %v, AsYAML = %v", dir, res.CurId(), gotObj.Raw, wo.Raw)
			}
			n++
		}
	}
	if n < 20 {
		t.Errorf("compared only %d resources", n)
	}
}

// keys lists the mapping keys of a node tree in order, as paths.
func keys(n *yaml.Node) []string {
	var out []string
	var walk func(p string, n *yaml.Node)
	walk = func(p string, n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := path.Join(p, n.Content[i].Value)
				out = append(out, k)
				walk(k, n.Content[i+1])
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(fmt.Sprintf("%s/%d", p, i), c)
			}
		}
	}
	walk("", n)
	return out
}

// BenchmarkRenderOverlay renders an overlay with a component, patches and
// generators in each mode.
func BenchmarkRenderOverlay(b *testing.B) {
	mem := provenanceFS(b)
	for _, origin := range []bool{false, true} {
		name := "annotation-mode"
		if origin {
			name = "origin-mode"
		}
		b.Run(name, func(b *testing.B) {
			forceOriginMode = origin
			defer func() { forceOriginMode = false }()
			for b.Loop() {
				vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Kustomize, Dir: "app/overlays/prod"}, render.Options{Root: "/repo", FS: mem})
				if err != nil || vs[0].Err != nil {
					b.Fatal(err, vs[0].Err)
				}
			}
		})
	}
}

// TestValueNode checks valueNode against parsing the JSON encoding, for
// values of every type YAML decoding gives.
func TestValueNode(t *testing.T) {
	v := map[string]any{
		"apiVersion": "v1", "kind": "X",
		"ints":    []any{0, -1, 42, int64(1) << 40, uint64(1) << 63},
		"floats":  []any{1.0, 1.5, -0.0, 1e21, 1e-7, 123456789.125, 3e100},
		"strings": []any{"", "yes", "1", "true", "null", "~", "a: b", "- x", "multi\nline", "é\u2028"},
		"other":   []any{nil, true, false, map[string]any{}, []any{}},
		"nested":  map[string]any{"z": 1, "a": map[string]any{"b": []any{map[string]any{"c": nil}}}},
	}
	n, ok := valueNode(v)
	if !ok {
		t.Fatal("valueNode failed")
	}
	got, err := render.NewObject(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(j, &doc); err != nil {
		t.Fatal(err)
	}
	want, err := render.NewObject(&doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Raw, want.Raw) {
		t.Errorf("valueNode gives\n%#v\nparsing JSON gives\n%#v", got.Raw, want.Raw)
	}
	if !reflect.DeepEqual(keys(got.Node), keys(want.Node)) {
		t.Errorf("key order %q, want %q", keys(got.Node), keys(want.Node))
	}
	if _, ok := valueNode(map[string]any{"t": time.Now()}); ok {
		t.Error("valueNode accepted a time")
	}
}

// FuzzAnnotateResources checks annotation mode's rewrite of a resource file
// on arbitrary input: when annotateResources accepts a file, kustomize's
// reader must see the same objects in the copy, each with the source
// annotation and nothing else changed.
//
//	go test -run '^$' -fuzz '^FuzzAnnotateResources$' -fuzztime 1m ./render/kustomize
func FuzzAnnotateResources(f *testing.F) {
	for _, tree := range provenanceTrees {
		for _, mf := range tree {
			f.Add(mf.Data)
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # c\n  annotations:\n    x: 'y'\ndata:\n  k: |\n    line\n     more\n  n: 0x10\n  t: 2024-01-01\n  s: \"\\u00e9\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 16<<10 {
			return
		}
		out, err := annotateResources(src, "dir/file.yaml")
		if err != nil {
			return
		}
		want, err := kio.FromBytes(src)
		if err != nil {
			t.Skip("kustomize rejects the input too") // and reports it with the user's bytes
		}
		got, err := kio.FromBytes(out)
		if err != nil {
			t.Fatalf("the annotated copy does not parse: %v\n%s", err, out)
		}
		want = slices.DeleteFunc(want, func(n *kyaml.RNode) bool { return n.IsNilOrEmpty() })
		got = slices.DeleteFunc(got, func(n *kyaml.RNode) bool { return n.IsNilOrEmpty() })
		if len(got) != len(want) {
			t.Fatalf("%d objects in the copy, %d in the file:\n%s", len(got), len(want), out)
		}
		for i := range got {
			if v := got[i].GetAnnotations(sourceAnnotation)[sourceAnnotation]; v != "dir/file.yaml" {
				t.Fatalf("object %d: source annotation %q", i, v)
			}
			w, err := want[i].Map()
			if err != nil {
				t.Skip("kustomize cannot read the object either")
			}
			g, err := got[i].Map()
			if err != nil {
				t.Fatal(err)
			}
			md, _ := g["metadata"].(map[string]any)
			ann, _ := md["annotations"].(map[string]any)
			delete(ann, sourceAnnotation)
			if wmd, _ := w["metadata"].(map[string]any); wmd != nil {
				if _, had := wmd["annotations"]; !had && len(ann) == 0 {
					delete(md, "annotations")
				}
			}
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("object %d differs:\n%#v\nwant\n%#v\ncopy:\n%s", i, g, w, out)
			}
		}
	})
}
