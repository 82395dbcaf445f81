package kustomize

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/gitops"
)

const deployedApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api-prod
  namespace: argocd
spec:
  project: api
  source:
    repoURL: https://github.com/acme/platform
    targetRevision: v1.0.0
    path: apps/api
    kustomize:
      namePrefix: prod-
      images:
        - api=registry.example.com/api:latest
      commonLabels:
        tier: backend
      patches:
        - target:
            kind: Deployment
            name: api
          patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  hostNetwork: true
        - path: patches/replicas.yaml
  destination:
    namespace: api
`

func deployedRepo(app string) fstest.MapFS {
	return fstest.MapFS{
		"apps/api/kustomization.yaml": {Data: []byte("resources: [deploy.yaml]\n")},
		"apps/api/deploy.yaml": {Data: []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: api
          image: api:1.0.0
`)},
		"apps/api/patches/replicas.yaml": {Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n")},
		"argocd/api.yaml":                {Data: []byte(app)},
	}
}

func renderDeployed(t *testing.T, fsys fstest.MapFS, dir string) []*render.Variant {
	t.Helper()
	plan, err := gitops.Resolve(fsys, []render.Target{{Kind: render.Kustomize, Dir: dir}}, gitops.Options{RepoURLs: []string{"git@github.com:acme/platform.git"}, Under: "."})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := Renderer{}.Render(context.Background(), plan.Targets[0], render.Options{Root: "/repo", FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestArgoKustomizeOptions(t *testing.T) {
	vs := renderDeployed(t, deployedRepo(deployedApp), "apps/api")
	if len(vs) != 1 || vs[0].Err != nil || vs[0].Name != "Application api-prod" || len(vs[0].Objects) != 1 {
		t.Fatalf("variants = %+v", vs)
	}
	o := vs[0].Objects[0]
	if o.Name != "prod-api" || o.Namespace != "api" || o.File != "apps/api/deploy.yaml" {
		t.Errorf("object = %s from %s", o.Ref(), o.File)
	}
	spec := o.Raw["spec"].(map[string]any)
	pod := spec["template"].(map[string]any)["spec"].(map[string]any)
	if pod["hostNetwork"] != true || spec["replicas"] != 1 {
		t.Errorf("patches not applied: %v", spec)
	}
	if img := pod["containers"].([]any)[0].(map[string]any)["image"]; img != "registry.example.com/api:latest" {
		t.Errorf("image = %v", img)
	}
	for p, want := range map[string]string{
		"spec.template.spec.hostNetwork":                "argocd/api.yaml:30:19", // in the inline patch of the Application
		"spec.template.spec.containers[name=api].image": "argocd/api.yaml:15:11", // the images entry
		"spec.replicas": "apps/api/patches/replicas.yaml:6:3",
		"spec.template.spec.containers[name=api].name": "apps/api/deploy.yaml:10:11",
		"metadata.labels.tier":                         "argocd/api.yaml:17:9",
	} {
		loc := o.Locator.Locate(render.MustPath(p))
		if got := fmt.Sprintf("%s:%d:%d", loc.File, loc.Line, loc.Col); got != want {
			t.Errorf("%s at %s, want %s", p, got, want)
		}
	}
}

// A finding at an option of the Application names the resource's own
// line in the base as related.
func TestArgoKustomizeRelated(t *testing.T) {
	vs := renderDeployed(t, deployedRepo(deployedApp), "apps/api")
	o := vs[0].Objects[0]
	rel := o.Locator.(render.RelatedLocator).Related(render.MustPath("spec.template.spec.containers[name=api].image"))
	if len(rel) != 1 || rel[0].Location.File != "apps/api/deploy.yaml" || rel[0].Location.Line != 11 || rel[0].Value {
		t.Errorf("related = %+v, want the image line of the base", rel)
	}
	if rel := o.Locator.(render.RelatedLocator).Related(render.MustPath("spec.template.spec.containers[name=api].name")); len(rel) != 0 {
		t.Errorf("a field of the base has related %+v", rel)
	}
}

func TestArgoKustomizeBadPatch(t *testing.T) {
	app := strings.Replace(deployedApp, "                  hostNetwork: true", "                  hostNetwork: [", 1)
	vs := renderDeployed(t, deployedRepo(app), "apps/api")
	if vs[0].Err == nil {
		t.Fatal("a broken inline patch rendered")
	}
	if msg := vs[0].Err.Error(); !strings.HasPrefix(msg, "argocd/api.yaml") || strings.Contains(msg, ".prodlint-gitops") {
		t.Errorf("error %q does not name the Application", msg)
	}
}

func TestFluxKustomizationAtRoot(t *testing.T) {
	fsys := fstest.MapFS{
		"kustomization.yaml": {Data: []byte("resources: [deploy.yaml]\n")},
		"deploy.yaml":        {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  size: ${SIZE:=small}\n")},
		"flux.yaml": {Data: []byte(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  url: https://github.com/acme/platform
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: root
  namespace: flux-system
spec:
  path: ./
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: app
  namePrefix: x-
  postBuild:
    substitute: {}
`)},
	}
	vs := renderDeployed(t, fsys, ".")
	var cm *render.Object
	for _, o := range vs[0].Objects {
		if o.Kind == "ConfigMap" {
			cm = o
		}
	}
	if vs[0].Err != nil || cm == nil {
		t.Fatalf("variant = %+v", vs[0])
	}
	if cm.Namespace != "app" || cm.Raw["data"].(map[string]any)["size"] != "small" {
		t.Errorf("ConfigMap %s data %v", cm.Ref(), cm.Raw["data"])
	}
	if len(vs[0].Notes) != 1 || !strings.Contains(vs[0].Notes[0], "not applied: the kustomization is at the repository root") {
		t.Errorf("notes = %q", vs[0].Notes)
	}
}
