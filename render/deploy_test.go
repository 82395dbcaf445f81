package render

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"
)

func TestParseEmbeddedPositions(t *testing.T) {
	src := "spec:\n" + // 1
		"  helm:\n" + // 2
		"    values: |\n" + // 3
		"      image:\n" + // 4
		"        tag: latest\n" + // 5
		"\n" + // 6
		"      replicas: 1\n" + // 7
		"    flat: \"a: 1\"\n" // 8
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(src, "\n")
	helm := doc.Content[0].Content[1].Content[1]
	v, err := ParseEmbedded(helm.Content[1], lines)
	if err != nil {
		t.Fatal(err)
	}
	tag := v.Content[1].Content[1] // image -> tag's value
	if tag.Value != "latest" || tag.Line != 5 || tag.Column != 14 {
		t.Errorf("tag value at %d:%d, want 5:14", tag.Line, tag.Column)
	}
	if r := v.Content[2]; r.Value != "replicas" || r.Line != 7 || r.Column != 7 {
		t.Errorf("replicas key at %d:%d, want 7:7", r.Line, r.Column)
	}
	flat, err := ParseEmbedded(helm.Content[3], lines)
	if err != nil {
		t.Fatal(err)
	}
	if k := flat.Content[0]; k.Line != 8 || k.Column != 12 {
		t.Errorf("a quoted one-line string: key at %d:%d, want 8:12", k.Line, k.Column)
	}
	bad := &yaml.Node{Kind: yaml.ScalarNode, Value: "a: [", Line: 3, Column: 13}
	if _, err := ParseEmbedded(bad, lines); err == nil || !strings.HasPrefix(err.Error(), "line 3:") {
		t.Errorf("error = %v, want one naming line 3", err)
	}
}

func TestLayerFS(t *testing.T) {
	base := fstest.MapFS{"a/x.yaml": {Data: []byte("x")}, "b/y.yaml": {Data: []byte("y")}}
	l := LayerFS(base, map[string][]byte{"a/kustomization.yaml": []byte("k"), ".v/1/kustomization.yaml": []byte("o")})
	b, err := fs.ReadFile(l, "a/kustomization.yaml")
	if err != nil || string(b) != "k" {
		t.Errorf("virtual file = %q, %v", b, err)
	}
	if b, _ := fs.ReadFile(l, "b/y.yaml"); string(b) != "y" {
		t.Errorf("base file = %q", b)
	}
	es, err := fs.ReadDir(l, "a")
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if err != nil || !reflect.DeepEqual(names, []string{"kustomization.yaml", "x.yaml"}) {
		t.Errorf("ReadDir(a) = %v, %v", names, err)
	}
	if fi, err := fs.Stat(l, ".v/1"); err != nil || !fi.IsDir() {
		t.Errorf("virtual folder: %v, %v", fi, err)
	}
	es, _ = fs.ReadDir(l, ".")
	names = nil
	for _, e := range es {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{".v", "a", "b"}) {
		t.Errorf("ReadDir(.) = %v", names)
	}
	if _, err := fs.ReadFile(l, "a/missing.yaml"); err == nil {
		t.Error("a missing file was read")
	}
	if err := fstest.TestFS(l, "a/kustomization.yaml", "a/x.yaml", ".v/1/kustomization.yaml", "b/y.yaml"); err != nil {
		t.Error(err)
	}
}

func TestDeploySubstituteAndNamespace(t *testing.T) {
	src := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-${CLUSTER}
spec:
  replicas: ${REPLICAS:=2}
  template:
    spec:
      containers:
        - name: api
          image: "api:${TAG:-1.0}"
          args: ["--size=${SIZE}"]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: raw
  namespace: other
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  script: echo ${HOME}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
`
	objs, err := ParseManifest("base/api.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	at := Location{File: "clusters/prod/apps.yaml", Line: 20, Col: 17}
	d := &Deployment{Name: "Kustomization flux-system/apps", Namespace: "api", Substitute: map[string]string{"CLUSTER": "prod", "REPLICAS": "1"}, SubstituteAt: map[string]Location{"REPLICAS": at}}
	if _, errs := Deploy(objs, d); len(errs) != 0 {
		t.Fatal(errs)
	}
	api := objs[0]
	if api.Name != "api-prod" || api.Namespace != "api" || !api.InReleaseNamespace {
		t.Errorf("object = %s (in release namespace %v)", api.Ref(), api.InReleaseNamespace)
	}
	spec := api.Raw["spec"].(map[string]any)
	if spec["replicas"] != 1 {
		t.Errorf("replicas = %#v, want the number 1", spec["replicas"])
	}
	c := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	if c["image"] != "api:1.0" || !reflect.DeepEqual(c["args"], []any{"--size="}) {
		t.Errorf("container = %v", c)
	}
	rel := api.Locator.(RelatedLocator).Related(MustPath("spec.replicas"))
	if len(rel) != 1 || rel[0].Location != at || !rel[0].Value || rel[0].Message != "variable REPLICAS set here" {
		t.Errorf("related = %+v", rel)
	}
	if loc := api.Locator.Locate(MustPath("spec.replicas")); loc.File != "base/api.yaml" || loc.Line != 6 {
		t.Errorf("location = %+v, want the manifest line", loc)
	}
	if raw := objs[1]; raw.Namespace != "other" || raw.Raw["data"].(map[string]any)["script"] != "echo ${HOME}" {
		t.Errorf("an object with substitution disabled changed: %s %v", raw.Ref(), raw.Raw["data"])
	}
	if objs[2].Namespace != "" {
		t.Errorf("a cluster-scoped object got namespace %q", objs[2].Namespace)
	}
	// ForceNamespace moves namespaced objects that set another.
	objs, _ = ParseManifest("base/api.yaml", []byte(src))
	Deploy(objs, &Deployment{Namespace: "api", ForceNamespace: true})
	if objs[1].Namespace != "api" {
		t.Errorf("forced namespace: %s", objs[1].Ref())
	}
	// An invalid expression is an error naming the object.
	objs, _ = ParseManifest("x.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: ${A\n"))
	// An invalid expression drops the object, with an error at its line.
	kept, errs := Deploy(objs, &Deployment{Name: "Kustomization x", Substitute: map[string]string{"A": "1"}})
	if len(kept) != 0 || len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "x.yaml:6: post-build substitution of ConfigMap x (Kustomization x)") {
		t.Errorf("kept %d, errs = %v", len(kept), errs)
	}
}
