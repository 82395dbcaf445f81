package gitops

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prodlint/prodlint/render"
)

const thisRepo = "https://github.com/acme/platform.git"

func TestNormalizeURL(t *testing.T) {
	same := []string{
		"https://github.com/acme/platform.git",
		"https://github.com/Acme/Platform",
		"http://github.com/acme/platform/",
		"git@github.com:acme/platform.git",
		"ssh://git@github.com/acme/platform",
		"ssh://git@github.com:22/acme/platform.git",
		"git+ssh://github.com/acme/platform",
		"https://token@github.com/acme/platform.git?ref=main",
	}
	for _, u := range same {
		if got := NormalizeURL(u); got != "github.com/acme/platform" {
			t.Errorf("NormalizeURL(%q) = %q, want github.com/acme/platform", u, got)
		}
	}
	for _, u := range []string{"https://github.com/acme/platform-infra", "https://gitlab.com/acme/platform", "git@github.com:acme/other.git"} {
		if NormalizeURL(u) == "github.com/acme/platform" {
			t.Errorf("NormalizeURL(%q) matches another repository", u)
		}
	}
	if NormalizeURL("  ") != "" {
		t.Error("an empty URL must normalize to empty")
	}
}

func TestCleanPath(t *testing.T) {
	for in, want := range map[string]string{"./apps/web/": "apps/web", "apps/web": "apps/web", "/": ".", "./": ".", "": ".", "../other": "", "apps/../../x": ""} {
		if got := cleanPath(in); got != want {
			t.Errorf("cleanPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// repo is a small GitOps repository with a chart, a kustomization and a
// folder of manifests, plus the GitOps objects under test.
func repo(objs map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"charts/web/Chart.yaml":            {Data: []byte("apiVersion: v2\nname: web\nversion: 1.0.0\n")},
		"charts/web/values.yaml":           {Data: []byte("replicas: 3\n")},
		"charts/web/values-prod.yaml":      {Data: []byte("replicas: 4\n")},
		"kustomize/web/kustomization.yaml": {Data: []byte("resources: [deploy.yaml]\n")},
		"kustomize/web/deploy.yaml":        {Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")},
		"plain/web/deploy.yaml":            {Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")},
	}
	for k, v := range objs {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}

var targets = []render.Target{
	{Kind: render.Helm, Dir: "charts/web", Variants: []string{"values-prod.yaml"}},
	{Kind: render.Kustomize, Dir: "kustomize/web"},
	{Kind: render.Plain, Dir: "plain/web", Files: []string{"plain/web/deploy.yaml"}},
}

func resolve(t *testing.T, objs map[string]string) *Plan {
	t.Helper()
	p, err := Resolve(repo(objs), targets, Options{RepoURLs: []string{thisRepo}, Under: "."})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func deployments(p *Plan, dir string) []*render.Deployment {
	for _, t := range p.Targets {
		if t.Dir == dir {
			return t.Deployments
		}
	}
	return nil
}

// values merges the layers of a deployment the way the Helm renderer does
// (without files).
func layerValues(t *testing.T, l render.ValuesLayer) map[string]any {
	t.Helper()
	if l.Values != nil {
		return l.Values
	}
	var m map[string]any
	if err := l.Node.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

const argoHelm = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-prod
  namespace: argocd
spec:
  project: web
  source:
    repoURL: git@github.com:acme/platform.git
    targetRevision: v1.0.0
    path: charts/web
    helm:
      releaseName: web
      valueFiles: [values-prod.yaml]
      values: |
        image:
          tag: latest
      parameters:
        - name: image.repository
          value: nginx
        - name: replicas
          value: "1"
  destination:
    namespace: web-prod
`

func TestArgoHelmApplication(t *testing.T) {
	p := resolve(t, map[string]string{"apps/web.yaml": argoHelm})
	ds := deployments(p, "charts/web")
	if len(ds) != 1 {
		t.Fatalf("deployments = %d, want 1", len(ds))
	}
	d := ds[0]
	if d.Name != "Application web-prod" || d.ReleaseName != "web" || d.Namespace != "web-prod" || d.File != "apps/web.yaml" {
		t.Errorf("deployment = %+v", d)
	}
	for _, tg := range p.Targets {
		if tg.Dir == "charts/web" && tg.Variants != nil {
			t.Errorf("a deployed chart keeps its values variants %v", tg.Variants)
		}
	}
	if len(d.Values) != 3 || d.Values[0].File != "charts/web/values-prod.yaml" || d.Values[0].Node != nil {
		t.Fatalf("values layers = %+v", d.Values)
	}
	// The values string is placed in the Application: tag is on line 17.
	inline := d.Values[1]
	if got := layerValues(t, inline); !reflect.DeepEqual(got, map[string]any{"image": map[string]any{"tag": "latest"}}) {
		t.Errorf("inline values = %v", got)
	}
	tag := inline.Node.Content[1].Content[0]
	if tag.Value != "tag" || tag.Line != 17 || tag.Column != 11 {
		t.Errorf("tag key at %d:%d (%q), want 17:11", tag.Line, tag.Column, tag.Value)
	}
	// Parameters are typed like --set, and located at their value.
	params := d.Values[2]
	if got := layerValues(t, params); !reflect.DeepEqual(got, map[string]any{"image": map[string]any{"repository": "nginx"}, "replicas": int64(1)}) {
		t.Errorf("parameters = %#v", got)
	}
	if r := params.Node.Content[3]; r.Line != 22 {
		t.Errorf("replicas parameter value at line %d, want 22", r.Line)
	}
	if !slicesContain(d.Deps, "apps/web.yaml") || !slicesContain(d.Deps, "charts/web/values-prod.yaml") {
		t.Errorf("deps = %v", d.Deps)
	}
}

func slicesContain(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

func TestArgoValuesObjectReplacesValues(t *testing.T) {
	app := strings.Replace(argoHelm, "      values: |\n        image:\n          tag: latest\n", "      values: |\n        image:\n          tag: latest\n      valuesObject:\n        image:\n          tag: \"1.0\"\n", 1)
	d := deployments(resolve(t, map[string]string{"apps/web.yaml": app}), "charts/web")[0]
	if got := layerValues(t, d.Values[1]); !reflect.DeepEqual(got, map[string]any{"image": map[string]any{"tag": "1.0"}}) {
		t.Errorf("values = %v, want valuesObject only", got)
	}
}

func TestApplicationSetGenerators(t *testing.T) {
	set := `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: web
spec:
  generators:
    - list:
        elements:
          - cluster: staging
            values: {replicas: "2"}
          - cluster: prod
            values: {replicas: "5"}
    - git:
        repoURL: https://github.com/acme/platform
        revision: HEAD
        directories:
          - path: kustomize/*
    - clusters: {}
  template:
    metadata:
      name: '{{cluster}}-web'
    spec:
      project: web
      source:
        repoURL: https://github.com/acme/platform
        path: charts/web
        helm:
          parameters:
            - name: replicas
              value: '{{values.replicas}}'
      destination:
        namespace: '{{cluster}}'
`
	p := resolve(t, map[string]string{"apps/set.yaml": set})
	ds := deployments(p, "charts/web")
	var names []string
	for _, d := range ds {
		names = append(names, d.Name+" ns="+d.Namespace)
	}
	want := []string{"Application prod-web (ApplicationSet web) ns=prod", "Application staging-web (ApplicationSet web) ns=staging"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("deployments = %v; want the two list elements (placeholders left unresolved skip the git element)", names)
	}
	for _, d := range ds {
		if got := layerValues(t, d.Values[0]); got["replicas"] != int64(2) && got["replicas"] != int64(5) {
			t.Errorf("%s: replicas = %v", d.Name, got["replicas"])
		}
	}
	// The git element has no cluster: its name stays a template.
	if len(p.Notes) != 2 || !strings.Contains(p.Notes[0], "the clusters generator is not evaluated offline") || !strings.Contains(p.Notes[1], `the name of an application is still a template ("{{cluster}}-web")`) {
		t.Errorf("notes = %q", p.Notes)
	}
}

func TestApplicationSetGitDirectories(t *testing.T) {
	set := `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: services
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: git@github.com:acme/platform.git
        revision: HEAD
        directories:
          - path: '*/web'
          - path: charts/web
            exclude: true
  template:
    metadata:
      name: '{{ .path.basename }}-{{ index .path.segments 0 }}'
    spec:
      project: web
      source:
        repoURL: https://github.com/acme/platform
        path: '{{.path.path}}'
      destination:
        namespace: '{{ .path.basename }}'
`
	p := resolve(t, map[string]string{"apps/set.yaml": set})
	if ds := deployments(p, "charts/web"); len(ds) != 0 {
		t.Errorf("excluded folder deployed: %v", ds)
	}
	// The name uses a function, so it stays a template and the application
	// is skipped rather than guessed.
	if ds := deployments(p, "kustomize/web"); len(ds) != 0 {
		t.Errorf("an application with an unresolved name was deployed: %+v", ds[0])
	}
	set = strings.Replace(set, "{{ .path.basename }}-{{ index .path.segments 0 }}", "{{ .path.path }}", 1)
	p = resolve(t, map[string]string{"apps/set.yaml": set})
	ks, ps := deployments(p, "kustomize/web"), deployments(p, "plain/web")
	if len(ks) != 1 || len(ps) != 1 || ks[0].Namespace != "web" || ks[0].Name != "Application kustomize/web (ApplicationSet services)" {
		t.Errorf("kustomize %+v, plain %+v", ks, ps)
	}
}

func TestFluxHelmRelease(t *testing.T) {
	objs := map[string]string{
		"clusters/prod/sync.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  url: ssh://git@github.com/acme/platform
`,
		"apps/web/values.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-values
  namespace: web
data:
  values.yaml: |
    replicas: 2
  tag: "2.0"
`,
		"apps/web/kustomization.yaml": `namespace: web
configMapGenerator:
  - name: web-generated
    files: [values.yaml=generated-values.yaml]
`,
		"apps/web/generated-values.yaml": "replicas: 6\n",
		"apps/web/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: web
spec:
  targetNamespace: web-prod
  chart:
    spec:
      chart: ./charts/web
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  valuesFrom:
    - kind: ConfigMap
      name: web-values
    - kind: ConfigMap
      name: web-generated
    - kind: ConfigMap
      name: web-values
      valuesKey: tag
      targetPath: image.tag
    - kind: Secret
      name: absent
      optional: true
  values:
    replicas: 1
`,
	}
	p := resolve(t, objs)
	ds := deployments(p, "charts/web")
	if len(ds) != 1 {
		t.Fatalf("deployments = %v", ds)
	}
	d := ds[0]
	if d.Name != "HelmRelease web/web" || d.ReleaseName != "web-prod-web" || d.Namespace != "web-prod" {
		t.Errorf("deployment = %+v", d)
	}
	if len(d.Values) != 4 {
		t.Fatalf("layers = %+v", d.Values)
	}
	if v := layerValues(t, d.Values[0]); v["replicas"] != 2 {
		t.Errorf("ConfigMap values = %v", v)
	}
	if n := d.Values[0].Node; n == nil || n.Content[0].Line != 8 || d.Values[0].File != "apps/web/values.yaml" {
		t.Errorf("ConfigMap values are not placed in the ConfigMap's file: %+v", d.Values[0])
	}
	if d.Values[1].File != "apps/web/generated-values.yaml" || d.Values[1].Node != nil {
		t.Errorf("generator values = %+v", d.Values[1])
	}
	if v := layerValues(t, d.Values[2]); !reflect.DeepEqual(v, map[string]any{"image": map[string]any{"tag": "2.0"}}) {
		t.Errorf("targetPath values = %#v", v)
	}
	if v := layerValues(t, d.Values[3]); v["replicas"] != 1 || d.Values[3].File != "apps/web/release.yaml" {
		t.Errorf("inline values = %v", v)
	}
	if len(p.problems) != 0 {
		t.Errorf("problems = %v", p.problems)
	}
}

func TestFluxKustomization(t *testing.T) {
	objs := map[string]string{
		"clusters/prod/sync.yaml": fluxSystem + `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-vars
  namespace: flux-system
data:
  CLUSTER: prod
  REPLICAS: "2"
`,
		"clusters/prod/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  path: ./kustomize/web
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: web
  images:
    - name: web
      newTag: latest
  postBuild:
    substitute:
      REPLICAS: "3"
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: plain
  namespace: flux-system
spec:
  path: ./plain
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: web
  namePrefix: x-
`,
	}
	p := resolve(t, objs)
	k := deployments(p, "kustomize/web")
	if len(k) != 1 || k[0].Namespace != "web" || !k[0].ForceNamespace || k[0].Kustomize == nil {
		t.Fatalf("kustomize deployment = %+v", k)
	}
	var keys []string
	for _, f := range k[0].Kustomize.Fields {
		keys = append(keys, f.Key)
	}
	if !reflect.DeepEqual(keys, []string{"namespace", "images"}) {
		t.Errorf("overlay fields = %v", keys)
	}
	if !reflect.DeepEqual(k[0].Substitute, map[string]string{"CLUSTER": "prod", "REPLICAS": "3"}) {
		t.Errorf("substitute = %v (substitute must win over substituteFrom)", k[0].Substitute)
	}
	pl := deployments(p, "plain/web")
	if len(pl) != 1 || len(pl[0].Notes) != 1 || !strings.Contains(pl[0].Notes[0], "namePrefix of Kustomization flux-system/plain is not applied") {
		t.Errorf("plain deployment (recursive, with a note on namePrefix) = %+v", pl)
	}
}

func TestDeployedBaseBecomesTarget(t *testing.T) {
	fsys := repo(map[string]string{"apps/base.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: base
spec:
  source:
    repoURL: https://github.com/acme/platform
    path: kustomize/web
  destination:
    namespace: web
`})
	p, err := Resolve(fsys, nil, Options{RepoURLs: []string{thisRepo}, Under: "."})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Targets) != 1 || p.Targets[0].Kind != render.Kustomize || p.Targets[0].Dir != "kustomize/web" {
		t.Errorf("targets = %+v", p.Targets)
	}
	// Outside the linted folder it is not added.
	p, _ = Resolve(fsys, nil, Options{RepoURLs: []string{thisRepo}, Under: "charts"})
	if len(p.Targets) != 0 {
		t.Errorf("targets outside the linted folder = %+v", p.Targets)
	}
}

func TestProblems(t *testing.T) {
	p := resolve(t, map[string]string{"apps/web.yaml": strings.Replace(argoHelm, "path: charts/web", "path: charts/website", 1)})
	objs, err := render.ParseManifest("apps/web.yaml", []byte(argoHelm))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Problems(objs[0])
	if len(got) != 1 || got[0].Rule != Missing || got[0].Path.String() != "spec.source.path" {
		t.Errorf("problems = %+v", got)
	}
	// No remote and nothing configured: every source is another repository.
	p, _ = Resolve(repo(map[string]string{"apps/web.yaml": argoHelm}), targets, Options{})
	if got := p.Problems(objs[0]); len(got) != 1 || got[0].Rule != NotRendered || !strings.Contains(got[0].Message, "gitops.repoURLs") {
		t.Errorf("problems without remotes = %+v", got)
	}
}

// Flux's monorepo layout: Kustomizations read ExternalArtifacts that an
// ArtifactGenerator makes from folders of the flux-system GitRepository,
// which flux bootstrap keeps out of the repository.
func TestFluxExternalArtifact(t *testing.T) {
	objs := map[string]string{
		"clusters/prod/artifacts.yaml": `apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: flux-system
  namespace: flux-system
spec:
  sources:
    - alias: monorepo
      kind: GitRepository
      name: flux-system
  artifacts:
    - name: apps
      copy:
        - from: "@monorepo/kustomize/**"
          to: "@artifact/k/"
        - from: "@monorepo/plain/**"
          to: "@artifact/"
`,
		"clusters/prod/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  sourceRef:
    kind: ExternalArtifact
    name: apps
  path: ./k/web
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: plain
  namespace: flux-system
spec:
  sourceRef:
    kind: ExternalArtifact
    name: apps
  path: ./web
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: other
  namespace: flux-system
spec:
  sourceRef:
    kind: ExternalArtifact
    name: elsewhere
  path: ./
`,
	}
	p, err := Resolve(repo(objs), targets, Options{Under: "."}) // no remote: flux-system is still this repository
	if err != nil {
		t.Fatal(err)
	}
	if ds := deployments(p, "kustomize/web"); len(ds) != 1 || ds[0].Name != "Kustomization flux-system/apps" {
		t.Errorf("kustomize/web deployments = %+v", ds)
	}
	if ds := deployments(p, "plain/web"); len(ds) != 1 || ds[0].Name != "Kustomization flux-system/plain" {
		t.Errorf("plain/web deployments = %+v", ds)
	}
	o, _ := render.ParseManifest("clusters/prod/apps.yaml", []byte(objs["clusters/prod/apps.yaml"]))
	if got := p.Problems(o[2]); len(got) != 1 || got[0].Rule != NotRendered || !strings.Contains(got[0].Message, "ExternalArtifact flux-system/elsewhere is not made from this repository") {
		t.Errorf("problems = %+v", got)
	}
}

// summary describes the deployments of a plan, for comparisons.
func summary(p *Plan) string {
	var b strings.Builder
	for _, t := range p.Targets {
		for _, d := range t.Deployments {
			fmt.Fprintf(&b, "%s %s ns=%s release=%s layers=%d deps=%v\n", t, d.Name, d.Namespace, d.ReleaseName, len(d.Values), d.Deps)
		}
	}
	return b.String()
}

// Rescan of a revision that differs in a few files resolves like a full
// scan of it.
func TestRescanMatchesScan(t *testing.T) {
	head := repo(map[string]string{
		"apps/web.yaml":       argoHelm,
		"apps/values-cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n",
	})
	base := repo(map[string]string{
		"apps/web.yaml":   strings.Replace(argoHelm, "name: web-prod", "name: web-old", 1),
		"apps/other.yaml": strings.Replace(argoHelm, "name: web-prod", "name: web-other", 1),
	})
	changed := []string{"apps/web.yaml", "apps/other.yaml", "apps/values-cm.yaml"}
	opts := Options{RepoURLs: []string{thisRepo}, Under: "."}
	headIdx, err := Scan(head)
	if err != nil {
		t.Fatal(err)
	}
	headIdx.Resolve(head, targets, opts)
	full, err := Scan(base)
	if err != nil {
		t.Fatal(err)
	}
	want := summary(full.Resolve(base, targets, opts))
	got := summary(headIdx.Rescan(base, changed).Resolve(base, targets, opts))
	if got != want || !strings.Contains(got, "web-old") || !strings.Contains(got, "web-other") {
		t.Errorf("rescan:\n%s\nfull scan:\n%s", got, want)
	}
}

// Paths that leave the repository are problems, never read.
func TestPathsOutsideTheRepository(t *testing.T) {
	app := strings.NewReplacer("path: charts/web", "path: ../../etc", "valueFiles: [values-prod.yaml]", "valueFiles: [../../../etc/passwd, /etc/shadow]").Replace(argoHelm)
	p := resolve(t, map[string]string{"apps/web.yaml": app})
	objs, _ := render.ParseManifest("apps/web.yaml", []byte(app))
	got := p.Problems(objs[0])
	if len(got) != 1 || got[0].Rule != Missing || !strings.Contains(got[0].Message, "leaves the repository") {
		t.Errorf("problems = %+v", got)
	}
	app = strings.Replace(argoHelm, "valueFiles: [values-prod.yaml]", "valueFiles: [../../../etc/passwd, /etc/shadow]", 1)
	p = resolve(t, map[string]string{"apps/web.yaml": app})
	got = p.Problems(objs[0])
	if len(got) != 2 || got[0].Rule != Missing || got[1].Rule != Missing {
		t.Errorf("problems = %+v", got)
	}
	for _, d := range deployments(p, "charts/web") {
		for _, l := range d.Values {
			if l.Node == nil && l.Values == nil {
				t.Errorf("values file %s is read", l.File)
			}
		}
	}
}

// An ApplicationSet of thousands of elements renders a bounded number.
func TestApplicationSetBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: many\nspec:\n  generators:\n    - list:\n        elements:\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "          - n: \"%d\"\n", i)
	}
	b.WriteString("  template:\n    metadata:\n      name: 'web-{{n}}'\n    spec:\n      source:\n        repoURL: https://github.com/acme/platform\n        path: charts/web\n      destination:\n        namespace: 'web-{{n}}'\n")
	p := resolve(t, map[string]string{"apps/many.yaml": b.String()})
	if n := len(deployments(p, "charts/web")); n != maxGenerated {
		t.Errorf("%d deployments, want %d", n, maxGenerated)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "generates 2000 applications; the first 500 are rendered") {
		t.Errorf("notes = %q", p.Notes)
	}
}

// The ways Flux repositories keep values and variables: generators with
// literals, env files and files, SOPS-encrypted Secrets, namespaces given
// by the kustomization that lists the release, chart valuesFiles.
func TestFluxConfigSources(t *testing.T) {
	objs := map[string]string{
		"clusters/prod/sync.yaml": fluxSystem,
		"clusters/prod/kustomization.yaml": `resources: [apps.yaml]
configMapGenerator:
  - name: cluster-vars
    namespace: flux-system
    literals: [CLUSTER=prod]
    envs: [vars.env]
`,
		"clusters/prod/vars.env": "# comment\nREPLICAS=2\n",
		"clusters/prod/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  path: ./kustomize/web
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
      - kind: Secret
        name: cluster-secrets
`,
		"clusters/prod/secrets.yaml":  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  TOKEN: ENC[AES256_GCM,data:abc]\nsops:\n  version: 3.8.1\n",
		"apps/web/kustomization.yaml": "namespace: web\nresources: [release.yaml, secret.yaml]\n",
		"apps/web/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-values\nstringData:\n  values.yaml: ENC[AES256_GCM,data:xyz]\nsops:\n  version: 3.8.1\n",
		"apps/web/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
spec:
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
      valuesFiles: [charts/web/values-prod.yaml, charts/web/values-eu.yaml]
  valuesFrom:
    - kind: Secret
      name: web-values
`,
	}
	p := resolve(t, objs)
	k := deployments(p, "kustomize/web")
	if len(k) != 1 || !reflect.DeepEqual(k[0].Substitute, map[string]string{"CLUSTER": "prod", "REPLICAS": "2"}) {
		t.Fatalf("kustomize deployment = %+v", k)
	}
	if at := k[0].SubstituteAt["REPLICAS"]; at.File != "clusters/prod/vars.env" {
		t.Errorf("REPLICAS set at %+v", at)
	}
	if len(k[0].Notes) != 1 || !strings.Contains(k[0].Notes[0], "Secret cluster-secrets are encrypted (SOPS)") {
		t.Errorf("notes = %q", k[0].Notes)
	}
	h := deployments(p, "charts/web")
	if len(h) != 1 || h[0].Name != "HelmRelease web/web" || h[0].Namespace != "web" {
		t.Fatalf("helm deployment = %+v", h)
	}
	if len(h[0].Values) != 1 || h[0].Values[0].File != "charts/web/values-prod.yaml" {
		t.Errorf("values = %+v", h[0].Values)
	}
	if len(h[0].Notes) != 1 || !strings.Contains(h[0].Notes[0], "encrypted (SOPS)") {
		t.Errorf("notes = %q", h[0].Notes)
	}
	rel, _ := render.ParseManifest("apps/web/release.yaml", []byte(objs["apps/web/release.yaml"]))
	if got := p.Problems(rel[0]); len(got) != 1 || got[0].Path.String() != "spec.chart.spec.valuesFiles[1]" {
		t.Errorf("problems = %+v", got)
	}
}

// Sources prodlint does not evaluate are said so, not guessed.
func TestArgoUnevaluatedSources(t *testing.T) {
	plugin := strings.Replace(argoHelm, "    helm:\n", "    plugin:\n      name: kustomize-with-sops\n    helm:\n", 1)
	set := `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: lower
spec:
  goTemplate: true
  generators:
    - list:
        elements: [{name: Web}]
  template:
    metadata:
      name: 'web-app'
    spec:
      source:
        repoURL: https://github.com/acme/platform
        path: '{{ .name | lower }}'
      destination:
        namespace: web
`
	p := resolve(t, map[string]string{"apps/plugin.yaml": plugin, "apps/set.yaml": set})
	o, _ := render.ParseManifest("apps/plugin.yaml", []byte(plugin))
	if got := p.Problems(o[0]); len(got) != 1 || got[0].Rule != NotRendered || !strings.Contains(got[0].Message, "config management plugin") {
		t.Errorf("plugin problems = %+v", got)
	}
	if len(deployments(p, "charts/web")) != 0 {
		t.Error("a plugin source was rendered")
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "is still a template") {
		t.Errorf("notes = %q", p.Notes)
	}
	so, _ := render.ParseManifest("apps/set.yaml", []byte(set))
	if got := p.Problems(so[0]); len(got) != 0 {
		t.Errorf("a templated path is reported missing: %+v", got)
	}
}

// What a Flux Kustomization applies gets its post-build variables and its
// target namespace before it is resolved: a HelmRelease whose values use
// ${VAR}, the ConfigMap of its valuesFrom moved to the target namespace.
func TestFluxAppliedObjects(t *testing.T) {
	objs := map[string]string{
		"clusters/prod/flux.yaml": fluxSystem + `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  path: ./apps/prod
  sourceRef: {kind: GitRepository, name: flux-system}
  targetNamespace: shop
  postBuild:
    substitute:
      REPLICAS: "1"
      CLUSTER: prod
`,
		"apps/prod/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web-${CLUSTER}
  namespace: default
spec:
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  valuesFrom:
    - kind: ConfigMap
      name: web-values
  values:
    replicas: ${REPLICAS}
`,
		"apps/prod/values.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-values\ndata:\n  values.yaml: |\n    port: 9090\n",
		"apps/other/values.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-values\n  namespace: shop\ndata:\n  values.yaml: |\n    port: 1\n",
	}
	p := resolve(t, objs)
	h := deployments(p, "charts/web")
	if len(h) != 1 || h[0].Name != "HelmRelease shop/web-prod" || h[0].Namespace != "shop" || h[0].ReleaseName != "web-prod" {
		t.Fatalf("deployments = %+v", h)
	}
	if len(h[0].Values) != 2 || h[0].Values[0].File != "apps/prod/values.yaml" {
		t.Errorf("valuesFrom = %+v (want the ConfigMap the Kustomization moves to shop, not the other one)", h[0].Values)
	}
	if v := layerValues(t, h[0].Values[1]); v["replicas"] != 1 {
		t.Errorf("values = %#v, want replicas substituted and typed", v)
	}
	if !slices.Contains(h[0].Deps, "clusters/prod/flux.yaml") {
		t.Errorf("deps = %v: a change to the variables must re-lint the release", h[0].Deps)
	}
}

// A Flux path that leaves the repository is a problem, not the whole
// repository.
func TestFluxPathOutsideTheRepository(t *testing.T) {
	k := "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: x\n  namespace: flux-system\nspec:\n  path: ../../apps\n  sourceRef: {kind: GitRepository, name: flux-system}\n"
	p := resolve(t, map[string]string{"clusters/x.yaml": k})
	for _, tg := range p.Targets {
		if len(tg.Deployments) > 0 {
			t.Errorf("%s is deployed", tg)
		}
	}
	o, _ := render.ParseManifest("clusters/x.yaml", []byte(k))
	if got := p.Problems(o[0]); len(got) != 1 || !strings.Contains(got[0].Message, "leaves the repository") {
		t.Errorf("problems = %+v", got)
	}
}

// spec.sources wins over spec.source; list parameters stay lists.
func TestArgoSourcesAndListParameters(t *testing.T) {
	app := `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  source:
    repoURL: https://github.com/acme/platform
    path: plain/web
  sources:
    - repoURL: https://github.com/acme/platform
      path: charts/web
      helm:
        parameters:
          - name: tags
            value: "{a,b}"
          - name: csv
            value: a,b
          - name: escaped
            value: 'a\,b'
  destination:
    namespace: web
`
	p := resolve(t, map[string]string{"apps/web.yaml": app})
	if ds := deployments(p, "plain/web"); len(ds) != 0 {
		t.Errorf("spec.source rendered although spec.sources is set")
	}
	ds := deployments(p, "charts/web")
	if len(ds) != 1 {
		t.Fatalf("deployments = %+v", ds)
	}
	got := layerValues(t, ds[0].Values[0])
	want := map[string]any{"tags": []any{"a", "b"}, "csv": "a,b", "escaped": "a,b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parameters = %#v, want %#v", got, want)
	}
}

// An app-of-apps chart is rendered (Options.Render) to find the
// Applications it makes, with its own deployment, even when it is not a
// target of the run; what it makes depends on the chart folder.
func TestAppOfAppsChart(t *testing.T) {
	fsys := repo(map[string]string{
		"root/Chart.yaml":         "apiVersion: v2\nname: root\nversion: 1.0.0\n",
		"root/templates/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\n",
		"bootstrap.yaml":          strings.NewReplacer("name: web-prod", "name: root", "path: charts/web", "path: root").Replace(argoHelm),
	})
	rendered := 0
	opts := Options{RepoURLs: []string{thisRepo}, Under: "charts", Render: func(t render.Target) []*render.Object {
		rendered++
		if t.Dir != "root" || len(t.Deployments) != 1 {
			return nil
		}
		objs, _ := render.ParseManifest("root/templates/app.yaml", []byte(strings.Replace(argoHelm, "name: web-prod", "name: web-child", 1)))
		return objs
	}}
	idx, err := Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p := idx.Resolve(fsys, targets[:1], opts)
	if rendered != 1 {
		t.Errorf("the app-of-apps chart rendered %d times", rendered)
	}
	if len(p.Targets) != 1 || p.Targets[0].Dir != "charts/web" {
		t.Errorf("targets = %v: the app-of-apps chart outside the run is not returned", p.Targets)
	}
	ds := deployments(p, "charts/web")
	if len(ds) != 1 || ds[0].Name != "Application web-child" || !slices.Contains(ds[0].DepDirs, "root") || !slices.Contains(ds[0].Deps, "bootstrap.yaml") {
		t.Errorf("deployments = %+v", ds)
	}
	// The index is left as it was: a second Resolve renders again and
	// finds the same.
	if p2 := idx.Resolve(fsys, targets[:1], opts); summary(p2) != summary(p) {
		t.Errorf("second resolve:\n%s\nfirst:\n%s", summary(p2), summary(p))
	}
}

// A rescan lists files in the order of a scan, so ties between
// ConfigMaps of the same name resolve the same way.
func TestRescanOrder(t *testing.T) {
	objs := map[string]string{
		"flux/a/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n  namespace: web\ndata:\n  values.yaml: 'port: 1'\n",
		"flux/a-b/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n  namespace: web\ndata:\n  values.yaml: 'port: 2'\n",
		"x/release.yaml":   fluxSystem + "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: web\nspec:\n  chart:\n    spec:\n      chart: charts/web\n      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n  valuesFrom:\n    - kind: ConfigMap\n      name: v\n",
	}
	fsys := repo(objs)
	opts := Options{RepoURLs: []string{thisRepo}, Under: "."}
	idx, _ := Scan(fsys)
	full := idx.Resolve(fsys, targets, opts)
	re := idx.Rescan(fsys, []string{"charts/web/values.yaml"}).Resolve(fsys, targets, opts)
	f, g := deployments(full, "charts/web"), deployments(re, "charts/web")
	if len(f) != 1 || len(g) != 1 || f[0].Values[0].File != g[0].Values[0].File || f[0].Values[0].File != "flux/a-b/cm.yaml" {
		t.Errorf("scan picks %v, rescan %v; want flux/a-b/cm.yaml (first by path) for both", f[0].Values, g[0].Values)
	}
}

// fluxSystem is the flux-system GitRepository of this repository.
const fluxSystem = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: https://github.com/acme/platform\n"

// The Git files generator reads the fields of each matching file; a
// matrix combines two generators.
func TestApplicationSetFilesAndMatrix(t *testing.T) {
	set := `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: fleet
spec:
  generators:
    - matrix:
        generators:
          - git:
              repoURL: https://github.com/acme/platform
              revision: HEAD
              files:
                - path: clusters/*/config.yaml
          - list:
              elements:
                - app: web
  template:
    metadata:
      name: '{{app}}-{{cluster.name}}'
    spec:
      source:
        repoURL: https://github.com/acme/platform
        path: charts/{{app}}
        helm:
          parameters:
            - name: replicas
              value: '{{cluster.replicas}}'
      destination:
        name: '{{path.basename}}'
        namespace: '{{app}}'
`
	p := resolve(t, map[string]string{
		"apps/fleet.yaml":             set,
		"clusters/eu/config.yaml":     "cluster:\n  name: eu-prod\n  replicas: 3\n",
		"clusters/us/config.yaml":     "cluster:\n  name: us-prod\n  replicas: 1\n",
		"clusters/broken/config.yaml": "- not an object\n",
	})
	ds := deployments(p, "charts/web")
	var got []string
	for _, d := range ds {
		got = append(got, fmt.Sprintf("%s replicas=%v", d.Name, layerValues(t, d.Values[0])["replicas"]))
	}
	want := []string{"Application web-eu-prod (ApplicationSet fleet) replicas=3", "Application web-us-prod (ApplicationSet fleet) replicas=1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deployments = %q, want %q", got, want)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "clusters/broken/config.yaml is not a YAML or JSON object") {
		t.Errorf("notes = %q", p.Notes)
	}
	// The same with goTemplate.
	goSet := strings.NewReplacer("spec:\n  generators:", "spec:\n  goTemplate: true\n  generators:",
		"'{{app}}-{{cluster.name}}'", "'{{ .app }}-{{ .cluster.name }}'", "charts/{{app}}", "charts/{{.app}}",
		"'{{cluster.replicas}}'", "'{{ .cluster.replicas }}'", "'{{path.basename}}'", "'{{ .path.basename }}'", "'{{app}}'", "'{{.app}}'").Replace(set)
	p = resolve(t, map[string]string{"apps/fleet.yaml": goSet, "clusters/eu/config.yaml": "cluster:\n  name: eu-prod\n  replicas: 3\n"})
	if ds := deployments(p, "charts/web"); len(ds) != 1 || ds[0].Name != "Application web-eu-prod (ApplicationSet fleet)" || ds[0].Namespace != "web" {
		t.Errorf("goTemplate deployments = %+v", ds)
	}
}

// A deployment depends on the sources it is resolved through: the
// GitRepository, the HelmChart of a chartRef.
func TestDeploymentDependsOnSources(t *testing.T) {
	p := resolve(t, map[string]string{
		"flux/repo.yaml":    fluxSystem,
		"flux/chart.yaml":   "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata:\n  name: web\n  namespace: web\nspec:\n  chart: charts/web\n  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n  valuesFiles: [charts/web/values-prod.yaml]\n",
		"flux/release.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: web\nspec:\n  chartRef: {kind: HelmChart, name: web}\n",
	})
	ds := deployments(p, "charts/web")
	if len(ds) != 1 {
		t.Fatalf("deployments = %+v", ds)
	}
	for _, f := range []string{"flux/release.yaml", "flux/chart.yaml", "flux/repo.yaml", "charts/web/values-prod.yaml"} {
		if !slices.Contains(ds[0].Deps, f) {
			t.Errorf("deps %v lack %s", ds[0].Deps, f)
		}
	}
}
