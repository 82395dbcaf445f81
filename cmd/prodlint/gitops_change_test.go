package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/config"
)

// gitopsRepo is a GitOps repository: one chart deployed by two Argo CD
// Applications and a Flux HelmRelease (whose values are in a ConfigMap),
// and a kustomize base deployed by a Flux Kustomization.
func gitopsRepo(t *testing.T) *gitRepo {
	t.Helper()
	g := newGitRepo(t, gitopsFiles())
	if _, err := g.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"git@github.com:acme/platform.git"}}); err != nil {
		t.Fatal(err)
	}
	return g
}

func gitopsFiles() map[string]string {
	app := func(name, ns, values string) string {
		return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name + "\n  namespace: argocd\nspec:\n  project: web\n" +
			"  source:\n    repoURL: https://github.com/acme/platform.git\n    targetRevision: v1.0.0\n    path: charts/web\n" +
			"    helm:\n      valuesObject:\n" + values + "  destination:\n    namespace: " + ns + "\n"
	}
	return map[string]string{
		"charts/web/Chart.yaml":            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"charts/web/values.yaml":           "image: ghcr.io/x/web:1.0.0\nreplicas: 2\n",
		"charts/web/templates/deploy.yaml": strings.Replace(deployment("web", "{{ .Values.image }}", 2), "replicas: 2", "replicas: {{ .Values.replicas }}", 1),
		"apps/web-staging.yaml":            app("web-staging", "staging", "        replicas: 2\n"),
		"apps/web-prod.yaml":               app("web-prod", "prod", "        replicas: 3\n"),
		"k/base/kustomization.yaml":        "resources: [deploy.yaml]\n",
		"k/base/deploy.yaml":               strings.Replace(deployment("api", "ghcr.io/x/api:1.0.0", 2), "  namespace: shop\n", "", 1),
		"clusters/prod/flux.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  url: ssh://git@github.com/acme/platform
  ref:
    tag: v1.0.0
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: api
  namespace: flux-system
spec:
  path: ./k/base
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: api
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: shop
spec:
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
`,
		"clusters/prod/web-values.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-values\n  namespace: shop\ndata:\n  values.yaml: |\n    replicas: 4\n",
		"README.md":                     "docs\n",
	}
}

// summary lists the watched findings: rule, file and variants, with their
// baseline state when there is one.
func (r *changeReport) summary() string {
	var s []string
	for _, f := range r.Findings {
		if !watched[f.Rule] && !strings.HasPrefix(f.Rule, "gitops-") {
			continue
		}
		e := f.Rule + "@" + f.Location.File
		if len(f.Variants) > 0 {
			e += "[" + strings.Join(f.Variants, ",") + "]"
		}
		if f.Baseline != "" {
			e += ":" + f.Baseline
		}
		s = append(s, e)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

func TestGitOpsRepositoryFullLint(t *testing.T) {
	g := gitopsRepo(t)
	code, r, _ := g.lint()
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	// The clean deployments have no watched finding; the chart's defaults
	// are not rendered.
	if got := r.summary(); got != "" {
		t.Errorf("findings = %s (exit %d)", got, code)
	}
}

func TestGitOpsChangeAffectsVariants(t *testing.T) {
	tests := []struct {
		name        string
		change      map[string]string
		wantTargets string
		want        string
	}{{
		name:        "inline values of one Application",
		change:      map[string]string{"apps/web-prod.yaml": strings.Replace(readFile(t, "apps/web-prod.yaml"), "replicas: 3", "replicas: 1", 1)},
		wantTargets: "apps charts/web", // the Application itself is linted too
		want:        "single-replica@apps/web-prod.yaml[Application web-prod]:new",
	}, {
		name:        "values ConfigMap of a HelmRelease",
		change:      map[string]string{"clusters/prod/web-values.yaml": strings.Replace(readFile(t, "clusters/prod/web-values.yaml"), "replicas: 4", "replicas: 1", 1)},
		wantTargets: "charts/web clusters/prod",
		want:        "single-replica@clusters/prod/web-values.yaml[HelmRelease shop/web]:new",
	}, {
		name:        "the chart: every release",
		change:      map[string]string{"charts/web/templates/deploy.yaml": strings.Replace(deployment("web", "{{ .Values.image }}", 2), "replicas: 2", "replicas: 1", 1)},
		wantTargets: "charts/web",
		want:        "single-replica@charts/web/templates/deploy.yaml:new",
	}, {
		name:        "a Flux Kustomization",
		change:      map[string]string{"clusters/prod/flux.yaml": strings.Replace(readFile(t, "clusters/prod/flux.yaml"), "  targetNamespace: api\n", "  targetNamespace: api\n  images:\n    - name: ghcr.io/x/api\n      newTag: latest\n", 1)},
		wantTargets: "charts/web clusters/prod k/base", // the file also holds the HelmRelease
		want:        "image-latest-tag@clusters/prod/flux.yaml[Kustomization flux-system/api]:new",
	}, {
		name: "a new Application",
		change: map[string]string{"apps/web-dev.yaml": strings.NewReplacer("web-prod", "web-dev", "namespace: prod", "namespace: dev", "replicas: 3", "replicas: 1").
			Replace(readFile(t, "apps/web-prod.yaml"))},
		wantTargets: "apps charts/web",
		want:        "single-replica@apps/web-dev.yaml[Application web-dev]:new",
	}, {
		name:   "an unrelated file",
		change: map[string]string{"README.md": "more docs\n"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gitopsRepo(t)
			base := g.commit("noop")
			g.write(tt.change)
			code, out, _ := run(t, "lint", "--base", base, g.dir)
			if tt.wantTargets == "" {
				if code != 0 || !strings.Contains(out, "nothing to lint") {
					t.Errorf("exit %d: %s", code, out)
				}
				return
			}
			_, r, _ := g.lint("--base", base)
			if got := r.targets(); got != tt.wantTargets {
				t.Errorf("targets = %q, want %q", got, tt.wantTargets)
			}
			if got := r.summary(); got != tt.want {
				t.Errorf("findings = %s\nwant       %s", got, tt.want)
			}
		})
	}
}

// readFile returns a file of the GitOps fixture repository.
func readFile(t *testing.T, name string) string {
	t.Helper()
	body, ok := gitopsFiles()[name]
	if !ok {
		t.Fatalf("%s is not in the fixture", name)
	}
	return body
}

// A suppression comment on the line that set the value (here an
// Application's inline values) suppresses the finding located there.
func TestGitOpsSuppressionOnValueLine(t *testing.T) {
	g := gitopsRepo(t)
	g.write(map[string]string{"apps/web-prod.yaml": strings.Replace(readFile(t, "apps/web-prod.yaml"), "replicas: 3", "replicas: 1 # prodlint:ignore single-replica -- prod runs one replica during the migration", 1)})
	_, out, _ := run(t, "lint", "--format", "json", "--include-suppressed", g.dir)
	var r struct {
		Findings []struct {
			Rule       string `json:"rule"`
			Suppressed *struct {
				Justification string `json:"justification"`
			} `json:"suppression"`
			Location struct {
				File string `json:"file"`
			} `json:"location"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Findings {
		if f.Rule == "single-replica" || strings.HasSuffix(f.Rule, "-suppression") {
			s := f.Rule + "@" + f.Location.File
			if f.Suppressed != nil {
				s += " suppressed: " + f.Suppressed.Justification
			}
			got = append(got, s)
		}
	}
	if want := "single-replica@apps/web-prod.yaml suppressed: prod runs one replica during the migration"; strings.Join(got, "\n") != want {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// appOfAppsFiles add to the GitOps fixture a root Application that deploys
// an app-of-apps chart, whose template makes one Application of charts/web
// per environment of its values.
func appOfAppsFiles(envs string) map[string]string {
	files := gitopsFiles()
	delete(files, "apps/web-staging.yaml")
	delete(files, "apps/web-prod.yaml")
	files["charts/root/Chart.yaml"] = "apiVersion: v2\nname: root\nversion: 1.0.0\n"
	files["charts/root/values.yaml"] = "envs:\n" + envs
	files["charts/root/templates/apps.yaml"] = `{{- range $env, $replicas := .Values.envs }}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-{{ $env }}
  namespace: argocd
spec:
  project: web
  source:
    repoURL: https://github.com/acme/platform.git
    targetRevision: v1.0.0
    path: charts/web
    helm:
      valuesObject:
        replicas: {{ $replicas }}
  destination:
    namespace: {{ $env }}
{{- end }}
`
	files["bootstrap/root.yaml"] = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: root\n  namespace: argocd\nspec:\n  project: platform\n  source:\n    repoURL: https://github.com/acme/platform.git\n    targetRevision: v1.0.0\n    path: charts/root\n  destination:\n    namespace: argocd\n"
	return files
}

// A change under an app-of-apps deployment: the chart it deploys is
// compared with the same deployments at the base, and a new environment in
// the app-of-apps chart's values re-lints the chart it deploys.
func TestGitOpsAppOfAppsChange(t *testing.T) {
	for _, tt := range []struct {
		name        string
		envs        string
		change      map[string]string
		wantTargets string
		want        string
	}{{
		name:        "a label of the deployed chart: nothing new",
		envs:        "  dev: 1\n",
		change:      map[string]string{"charts/web/templates/deploy.yaml": strings.Replace(appOfAppsFiles("")["charts/web/templates/deploy.yaml"], "labels: {app: web}", "labels: {app: web, tier: front}", 1)},
		wantTargets: "charts/web",
		want:        "single-replica@charts/root/templates/apps.yaml[Application web-dev]:unchanged",
	}, {
		name:        "a new environment in the app-of-apps values",
		envs:        "  dev: 2\n",
		change:      map[string]string{"charts/root/values.yaml": "envs:\n  dev: 2\n  prod: 1\n"},
		wantTargets: "charts/root charts/web",
		want:        "single-replica@charts/root/templates/apps.yaml[Application web-prod]:new",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			g := newGitRepo(t, appOfAppsFiles(tt.envs))
			if _, err := g.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"git@github.com:acme/platform.git"}}); err != nil {
				t.Fatal(err)
			}
			base := g.commit("noop")
			g.write(tt.change)
			_, r, _ := g.lint("--base", base)
			if r == nil {
				t.Fatal("nothing linted")
			}
			if got := r.targets(); got != tt.wantTargets {
				t.Errorf("targets = %q, want %q", got, tt.wantTargets)
			}
			if got := r.summary(); got != tt.want {
				t.Errorf("findings = %q\nwant       %q", got, tt.want)
			}
		})
	}
}
