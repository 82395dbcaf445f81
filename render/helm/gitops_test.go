package helm

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/gitops"
)

// deployedChart is a chart and the GitOps objects that deploy it.
func deployedChart(objs string) fstest.MapFS {
	return fstest.MapFS{
		"charts/web/Chart.yaml":       {Data: []byte("apiVersion: v2\nname: web\nversion: 1.0.0\n")},
		"charts/web/values.yaml":      {Data: []byte("replicas: 3\nimage:\n  repository: web\n  tag: \"1.0\"\nport: 8080\n")},
		"charts/web/values-prod.yaml": {Data: []byte("port: 9090\n")},
		"charts/web/templates/deploy.yaml": {Data: []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - containerPort: {{ .Values.port }}
`)},
		"charts/web/templates/svc.yaml": {Data: []byte(`apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  ports:
    - port: {{ .Values.port }}
`)},
		"deploy/objects.yaml": {Data: []byte(objs)},
	}
}

const gitopsObjects = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-prod
  namespace: argocd
spec:
  source:
    repoURL: https://github.com/acme/platform
    path: charts/web
    helm:
      valueFiles: [values-prod.yaml]
      values: |
        image:
          tag: latest
      parameters:
        - name: replicas
          value: "1"
  destination:
    namespace: web
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: platform
  namespace: flux-system
spec:
  url: https://github.com/acme/platform
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-values
  namespace: shop
data:
  values.yaml: |
    replicas: 2
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: shop
spec:
  chart:
    spec:
      chart: charts/web
      sourceRef: {kind: GitRepository, name: platform, namespace: flux-system}
  valuesFrom:
    - kind: ConfigMap
      name: web-values
  values:
    image:
      repository: shop
`

func renderDeployedChart(t *testing.T, objs string) []*render.Variant {
	t.Helper()
	fsys := deployedChart(objs)
	plan, err := gitops.Resolve(fsys, []render.Target{{Kind: render.Helm, Dir: "charts/web", Variants: []string{"values-prod.yaml"}}}, gitops.Options{RepoURLs: []string{"https://github.com/acme/platform"}})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := Renderer{}.Render(context.Background(), plan.Targets[0], render.Options{Root: "/repo", FS: fsys, KubeVersion: "1.34"})
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestGitOpsDeployments(t *testing.T) {
	vs := renderDeployedChart(t, gitopsObjects)
	var names []string
	for _, v := range vs {
		names = append(names, v.Name)
		if v.Err != nil {
			t.Errorf("%s: %v", v.Name, v.Err)
		}
	}
	if fmt.Sprint(names) != "[Application web-prod HelmRelease shop/web]" {
		t.Fatalf("variants = %v; want the deployments only (no default, no values-prod.yaml)", names)
	}
	argo, flux := find(t, vs[0], "Deployment", "web-prod"), find(t, vs[1], "Deployment", "web")
	// Objects without a namespace are in the release namespace, and still
	// located (the marked render is matched before the namespace is set).
	svc := find(t, vs[0], "Service", "web-prod")
	if svc.Namespace != "web" || !svc.InReleaseNamespace {
		t.Errorf("Service namespace %q", svc.Namespace)
	}
	if got := fmt.Sprint(svc.Locator.(render.RelatedLocator).Related(render.MustPath("spec.ports[0].port"))); got != "[{{charts/web/values-prod.yaml 1 1 1 5} value set here true true}]" {
		t.Errorf("Service port related %s", got)
	}
	if argo.Ref() != "Deployment web/web-prod" || flux.Ref() != "Deployment shop/web" {
		t.Errorf("objects = %s, %s", argo.Ref(), flux.Ref())
	}
	c := func(o *render.Object) string {
		spec := o.Raw["spec"].(map[string]any)
		ctr := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
		return fmt.Sprint(spec["replicas"], " ", ctr["image"], " ", ctr["ports"])
	}
	if got := c(argo); got != "1 web:latest [map[containerPort:9090]]" {
		t.Errorf("Application values: %s", got)
	}
	if got := c(flux); got != "2 shop:1.0 [map[containerPort:8080]]" {
		t.Errorf("HelmRelease values: %s", got)
	}
	related := func(o *render.Object, p string) string {
		var out []string
		for _, r := range o.Locator.(render.RelatedLocator).Related(render.MustPath(p)) {
			out = append(out, fmt.Sprintf("%s:%d:%d %s", r.Location.File, r.Location.Line, r.Location.Col, r.Message))
		}
		return fmt.Sprint(out)
	}
	for _, tt := range []struct {
		o    *render.Object
		path string
		want string
	}{
		{argo, "spec.replicas", "[deploy/objects.yaml:17:18 value set here]"},
		{argo, "spec.template.spec.containers[name=web].image", "[charts/web/values.yaml:3:3 part of the value set here deploy/objects.yaml:14:11 part of the value set here]"},
		{argo, "spec.template.spec.containers[name=web].ports[0].containerPort", "[charts/web/values-prod.yaml:1:1 value set here]"},
		{flux, "spec.replicas", "[deploy/objects.yaml:36:5 value set here]"},
		{flux, "spec.template.spec.containers[name=web].image", "[deploy/objects.yaml:53:7 part of the value set here charts/web/values.yaml:4:3 part of the value set here]"},
	} {
		if got := related(tt.o, tt.path); got != tt.want {
			t.Errorf("%s %s: related %s, want %s", tt.o.Ref(), tt.path, got, tt.want)
		}
	}
}

func TestGitOpsMissingValuesFile(t *testing.T) {
	fsys := deployedChart("")
	tg := render.Target{Kind: render.Helm, Dir: "charts/web", Deployments: []*render.Deployment{{
		Name:   "Application web",
		Values: []render.ValuesLayer{{File: "charts/web/values-eu.yaml"}},
	}}}
	vs, err := Renderer{}.Render(context.Background(), tg, render.Options{Root: "/repo", FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Err == nil || vs[0].Err.Error() != "charts/web/values-eu.yaml: values file not found" {
		t.Errorf("variants = %+v", vs)
	}
}

// A HelmRelease value that a Flux post-build variable sets is located at
// the variable: the release's line only uses it.
func TestGitOpsFluxVariableInValues(t *testing.T) {
	objs := `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: platform
  namespace: flux-system
spec:
  url: https://github.com/acme/platform
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  path: ./releases
  sourceRef: {kind: GitRepository, name: platform}
  postBuild:
    substitute:
      REPLICAS: "1"
`
	fsys := deployedChart(objs)
	fsys["releases/web.yaml"] = &fstest.MapFile{Data: []byte(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: shop
spec:
  chart:
    spec:
      chart: charts/web
      sourceRef: {kind: GitRepository, name: platform, namespace: flux-system}
  values:
    replicas: ${REPLICAS}
`)}
	plan, err := gitops.Resolve(fsys, []render.Target{{Kind: render.Helm, Dir: "charts/web"}}, gitops.Options{RepoURLs: []string{"https://github.com/acme/platform"}})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := Renderer{}.Render(context.Background(), plan.Targets[0], render.Options{Root: "/repo", FS: fsys})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("variants %+v, %v", vs, err)
	}
	d := find(t, vs[0], "Deployment", "web")
	var got []string
	for _, r := range d.Locator.(render.RelatedLocator).Related(render.MustPath("spec.replicas")) {
		got = append(got, fmt.Sprintf("%s:%d %s value=%v sets=%v", r.Location.File, r.Location.Line, r.Message, r.Value, r.Sets))
	}
	// The release's line is not the one to edit, but a suppression there
	// still covers the finding (Sets).
	want := "[deploy/objects.yaml:19 variable REPLICAS set here value=true sets=true releases/web.yaml:12 value set here value=false sets=true]"
	if fmt.Sprint(got) != want {
		t.Errorf("related = %v, want %s", got, want)
	}
}
