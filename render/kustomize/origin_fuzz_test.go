package kustomize

import (
	"bytes"
	"testing"
	"testing/fstest"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/kyaml/resid"
)

// FuzzOriginMapping checks the pure functions that map a rendered
// kustomize object back to the file a person edits, on arbitrary input: a
// kustomization (its patches, inline patches, images, replicas, namespace,
// labels, annotations and generators become sources), a patch file it may
// name, the rendered object, and an object path. It must never panic, and
// every location a source gives must be a line of the file it names.
//
// Seeds: testdata/fuzz/FuzzOriginMapping. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzOriginMapping$' -fuzztime 5m ./render/kustomize
func FuzzOriginMapping(f *testing.F) {
	obj := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prod-web\n  namespace: prod\n  labels: {app: web}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        env: [{name: A, value: b}]\n"
	for _, s := range []struct{ kz, patch, path string }{
		{"resources: [deployment.yaml]\nnamePrefix: prod-\nnamespace: prod\nimages:\n- name: nginx\n  newTag: \"1.25\"\nreplicas:\n- name: web\n  count: 3\npatches:\n- path: patch.yaml\n", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        env: [{name: A, value: b}]\n", "spec.template.spec.containers[name=web].env[name=A].value"},
		{"patches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/env/-\n      value: {name: A, value: b}\n", "", "spec.template.spec.containers[0].env[0].value"},
		{"patchesJson6902:\n- target: {group: apps, version: v1, kind: Deployment, name: web}\n  path: patch.yaml\n", "- op: replace\n  path: /spec/replicas\n  value: 3\n- {op: test, path: /a~1b~0c}\n", "spec.replicas"},
		{"patchesStrategicMerge:\n- patch.yaml\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web}\n  spec: {replicas: 3}\n", "kind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n---\n- x\n", "spec.replicas"},
		{"labels:\n- pairs: {app: web}\n  includeSelectors: true\ncommonLabels: {app: web}\ncommonAnnotations: {a: b}\n", "", "metadata.labels.app"},
		{"configMapGenerator:\n- name: web\n  behavior: merge\n  literals: [A=b]\n  files: [k=patch.yaml]\n  envs: [patch.yaml]\n", "A=b\n", "data.A"},
		{"a: &a {patches: *a}\n", "", "[0]"},
	} {
		f.Add([]byte(s.kz), []byte(s.patch), []byte(obj), s.path)
	}
	f.Fuzz(func(t *testing.T, kzSrc, patch, objSrc []byte, p string) {
		if len(kzSrc)+len(patch)+len(objSrc) > 64<<10 {
			return
		}
		fsys := fstest.MapFS{
			"k/kustomization.yaml": {Data: kzSrc},
			"k/patch.yaml":         {Data: patch},
		}
		tr := &tree{fs: newRepoFS(fsys, "/repo"), all: map[string]*kustomization{}}
		var doc yaml.Node
		if yaml.Unmarshal(kzSrc, &doc) != nil {
			return
		}
		node := &yaml.Node{Kind: yaml.MappingNode}
		if len(doc.Content) > 0 {
			node = doc.Content[0]
		}
		kz := &kustomization{dir: "k", name: "kustomization.yaml", file: "k/kustomization.yaml", node: node, src: kzSrc}
		_ = kz.k.Unmarshal(kzSrc) // a kustomization kustomize rejects still gets its sources read
		tr.root, tr.all["k"] = kz, kz
		mp := newMapper(tr)

		var objDoc yaml.Node
		var objNode *yaml.Node
		if yaml.Unmarshal(objSrc, &objDoc) == nil && len(objDoc.Content) > 0 {
			objNode = objDoc.Content[0]
		}
		path, err := render.ParsePath(p)
		if err != nil {
			path = render.MustPath("spec.template.spec.containers[name=web].image")
		}
		lines := map[string]int{
			"k/kustomization.yaml": bytes.Count(kzSrc, []byte("\n")) + 1,
			"k/patch.yaml":         bytes.Count(patch, []byte("\n")) + 1,
		}
		c := candidateOf(objNode, 0)
		tg := &target{gvk: resid.Gvk{Group: "apps", Version: "v1", Kind: c.kind}, namespace: c.namespace, node: objNode}
		tg.setNames(c.name, c.namespace, &render.Object{Name: "prod-" + c.name, Namespace: c.namespace}, mp.chains[kz])
		for _, s := range mp.sourcesOf(kz) {
			s.applies(tg)
			loc, ok := s.locate(path, objNode)
			if !ok {
				continue
			}
			n, known := lines[loc.File]
			if !known || loc.Line < 1 || loc.Line > n || loc.Col < 1 {
				t.Fatalf("%T.locate(%s) = %+v (files: %v)", s, path, loc, lines)
			}
		}
		loc := mp.locator(render.NodeLocator{File: "k/deployment.yaml", Node: objNode}, objNode, mp.chains[kz], tg).Locate(path).Normalize()
		if loc.File == "" || loc.Line < 1 {
			t.Fatalf("locator.Locate(%s) = %+v", path, loc)
		}
		tokens(path, objNode)
		byName(path, objNode)
		for _, d := range parseDocs(patch) {
			for _, cd := range candidates(d, 0) {
				nameScore(c.name, cd.name, chainAffixes(mp.chains[kz], tg.gvk), true)
			}
		}
		imageName(string(patch))
		splitPointer(p)
	})
}
