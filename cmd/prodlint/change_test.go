package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitRepo is a real temporary git repository for change tests.
type gitRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	n    int
}

func newGitRepo(t *testing.T, files map[string]string) *gitRepo {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	g := &gitRepo{t: t, dir: dir, repo: r}
	g.write(files)
	g.commit("base")
	return g
}

// write creates or overwrites files; an empty body deletes the file.
func (g *gitRepo) write(files map[string]string) {
	g.t.Helper()
	for name, body := range files {
		p := filepath.Join(g.dir, filepath.FromSlash(name))
		if body == "" {
			if err := os.Remove(p); err != nil {
				g.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			g.t.Fatal(err)
		}
	}
}

func (g *gitRepo) rename(from, to string) {
	g.t.Helper()
	if err := os.Rename(filepath.Join(g.dir, from), filepath.Join(g.dir, to)); err != nil {
		g.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the commit SHA.
func (g *gitRepo) commit(msg string) string {
	g.t.Helper()
	wt, err := g.repo.Worktree()
	if err != nil {
		g.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		g.t.Fatal(err)
	}
	g.n++
	sig := &object.Signature{Name: "t", Email: "t@example.com", When: time.Date(2026, 1, 1, 0, g.n, 0, 0, time.UTC)}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		g.t.Fatal(err)
	}
	return h.String()
}

// changeReport is the part of the JSON report the change tests read.
type changeReport struct {
	Targets []struct {
		Kind string `json:"kind"`
		Dir  string `json:"dir"`
	} `json:"targets"`
	Findings []struct {
		Rule     string   `json:"rule"`
		Baseline string   `json:"baselineState"`
		Target   string   `json:"target"`
		Variants []string `json:"variants"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"findings"`
	Fixed []struct {
		Rule string `json:"rule"`
	} `json:"fixed"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
	Notes []string `json:"notes"`
}

func (g *gitRepo) lint(args ...string) (int, *changeReport, string) {
	g.t.Helper()
	code, out, errs := run(g.t, append([]string{"lint", "--format", "json"}, append(args, g.dir)...)...)
	if strings.HasPrefix(out, "nothing to lint") {
		return code, nil, out
	}
	var r changeReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		g.t.Fatalf("exit %d: %v\nstdout:\n%s\nstderr:\n%s", code, err, out, errs)
	}
	if len(r.Targets) == 0 && len(r.Notes) == 1 && strings.HasPrefix(r.Notes[0], "nothing to lint") {
		return code, nil, r.Notes[0] // machine formats still get a report
	}
	return code, &r, errs
}

func (r *changeReport) targets() string {
	var s []string
	for _, t := range r.Targets {
		s = append(s, t.Dir)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// watched are the rules the change tests provoke; the fixture may trip
// others as the catalog grows, and the tests look at these only.
var watched = map[string]bool{"image-latest-tag": true, "host-network": true, "single-replica": true}

// rules lists the watched rules of the findings in a baseline state, sorted.
func (r *changeReport) rules(state string) string {
	var s []string
	for _, f := range r.Findings {
		if f.Baseline == state && watched[f.Rule] {
			s = append(s, f.Rule)
		}
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

const (
	chartYAML   = "apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: sub\n    version: 1.0.0\n"
	subYAML     = "apiVersion: v2\nname: sub\nversion: 1.0.0\n"
	cleanPodSec = `      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
`
	cleanContainer = `          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {memory: 32Mi}
          readinessProbe: {httpGet: {path: /, port: 8080}}
          livenessProbe: {httpGet: {path: /, port: 8080}}
`
)

func deployment(name, image string, replicas int) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: shop\nspec:\n" +
		"  replicas: " + strconv.Itoa(replicas) + "\n  selector:\n    matchLabels: {app: " + name + "}\n  template:\n" +
		"    metadata:\n      labels: {app: " + name + "}\n    spec:\n      serviceAccountName: " + name + "\n" + cleanPodSec +
		"      containers:\n        - name: app\n          image: " + image + "\n" + cleanContainer
}

func changeFixture() map[string]string {
	return map[string]string{
		"charts/web/Chart.yaml":                  chartYAML,
		"charts/web/values.yaml":                 "image: ghcr.io/x/web:1.0.0\n",
		"charts/web/templates/deploy.yaml":       deployment("web", "{{ .Values.image }}", 2),
		"charts/web/charts/sub/Chart.yaml":       subYAML,
		"charts/web/charts/sub/values.yaml":      "image: ghcr.io/x/sub:1.0.0\n",
		"charts/web/charts/sub/templates/d.yaml": deployment("sub", "{{ .Values.image }}", 2),
		"k/base/kustomization.yaml":              "resources: [deploy.yaml]\n",
		"k/base/deploy.yaml":                     deployment("api", "ghcr.io/x/api:1.0.0", 2),
		"k/prod/kustomization.yaml":              "resources: [../base]\nnamespace: prod\npatches:\n  - path: patch.yaml\n",
		"k/prod/patch.yaml":                      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 3\n",
		"k/dev/kustomization.yaml":               "resources: [../base]\nnamespace: dev\n",
		"manifests/a.yaml":                       deployment("a", "ghcr.io/x/a:1.0.0", 2),
		"manifests/b.yaml":                       deployment("b", "ghcr.io/x/b:1.0.0", 2),
		"README.md":                              "docs\n",
	}
}

func TestChangeAffectedTargets(t *testing.T) {
	tests := []struct {
		name    string
		change  func(g *gitRepo)
		targets string // "" means nothing to lint
		newOnes string // rules of the new findings
	}{
		{"values change", func(g *gitRepo) {
			g.write(map[string]string{"charts/web/values.yaml": "image: ghcr.io/x/web:latest\n"})
		}, "charts/web", "image-latest-tag"},
		{"template change", func(g *gitRepo) {
			g.write(map[string]string{"charts/web/templates/deploy.yaml": strings.Replace(deployment("web", "{{ .Values.image }}", 2), "      automountServiceAccountToken: false\n", "      hostNetwork: true\n      automountServiceAccountToken: false\n", 1)})
		}, "charts/web", "host-network"},
		{"subchart change affects its parent", func(g *gitRepo) {
			g.write(map[string]string{"charts/web/charts/sub/values.yaml": "image: ghcr.io/x/sub\n"})
		}, "charts/web", "image-latest-tag"},
		{"kustomize base change affects both overlays", func(g *gitRepo) {
			g.write(map[string]string{"k/base/deploy.yaml": deployment("api", "ghcr.io/x/api:latest", 2)})
		}, "k/dev k/prod", "image-latest-tag"},
		{"patch change affects one overlay", func(g *gitRepo) {
			g.write(map[string]string{"k/prod/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 1\n"})
		}, "k/prod", "single-replica"},
		{"renamed manifest", func(g *gitRepo) {
			g.rename("manifests/b.yaml", "manifests/c.yaml")
		}, "manifests", ""},
		{"deleted patch", func(g *gitRepo) {
			g.write(map[string]string{"k/prod/patch.yaml": "", "k/prod/kustomization.yaml": "resources: [../base]\nnamespace: prod\n"})
		}, "k/prod", ""},
		{"config change affects everything", func(g *gitRepo) {
			g.write(map[string]string{".prodlint.yaml": "rules: {}\n"})
		}, "charts/web k/dev k/prod manifests", ""},
		{"change outside any target", func(g *gitRepo) {
			g.write(map[string]string{"README.md": "more docs\n"})
		}, "", ""},
		{"deleted target reports nothing", func(g *gitRepo) {
			g.write(map[string]string{"manifests/a.yaml": "", "manifests/b.yaml": ""})
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGitRepo(t, changeFixture())
			base := g.commit("noop")
			tt.change(g)
			g.commit(tt.name)
			code, r, out := g.lint("--base", base)
			if tt.targets == "" {
				if r != nil || code != 0 || !strings.Contains(out, "nothing to lint") {
					t.Fatalf("exit %d, report %+v, out %q; want nothing to lint", code, r, out)
				}
				return
			}
			if r == nil {
				t.Fatalf("nothing linted; want %s", tt.targets)
			}
			if got := r.targets(); got != tt.targets {
				t.Errorf("affected targets = %q, want %q", got, tt.targets)
			}
			if got := r.rules("new"); got != tt.newOnes {
				t.Errorf("new findings = %q, want %q (errors %+v)", got, tt.newOnes, r.Errors)
			}
			wantCode := 0
			if tt.newOnes != "" {
				wantCode = 1
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d", code, wantCode)
			}
		})
	}
}

func TestChangeFixesOneAddsAnother(t *testing.T) {
	files := changeFixture()
	files["manifests/a.yaml"] = deployment("a", "ghcr.io/x/a:latest", 2)
	g := newGitRepo(t, files)
	base := g.commit("noop")
	// fix the latest tag in a.yaml, add hostNetwork to b.yaml, leave c's old problem alone
	g.write(map[string]string{
		"manifests/a.yaml": deployment("a", "ghcr.io/x/a:1.0.1", 2),
		"manifests/b.yaml": strings.Replace(deployment("b", "ghcr.io/x/b:1.0.0", 2), "      automountServiceAccountToken: false\n", "      hostNetwork: true\n      automountServiceAccountToken: false\n", 1),
	})
	g.commit("fix one, add another")
	code, r, _ := g.lint("--base", base)
	if r == nil || code != 1 {
		t.Fatalf("exit %d report %v", code, r)
	}
	if got := r.rules("new"); got != "host-network" {
		t.Errorf("new = %q", got)
	}
	if len(r.Fixed) != 1 || r.Fixed[0].Rule != "image-latest-tag" {
		t.Errorf("fixed = %+v", r.Fixed)
	}
	// --all-findings reports every finding of the affected targets without a comparison.
	_, r, _ = g.lint("--base", base, "--all-findings")
	if got := r.rules(""); got != "host-network" {
		t.Errorf("all findings = %q", got)
	}
	// text output shows the new finding and counts the fixed one
	_, out, _ := run(t, "lint", "--base", base, g.dir)
	if !strings.Contains(out, "host-network") || !strings.Contains(out, "1 new finding") || !strings.Contains(out, "1 fixed") {
		t.Errorf("text:\n%s", out)
	}
}

func TestChangeUnchangedFindingsDoNotFail(t *testing.T) {
	files := changeFixture()
	files["manifests/a.yaml"] = deployment("a", "ghcr.io/x/a:latest", 2)
	g := newGitRepo(t, files)
	base := g.commit("noop")
	// an unrelated edit in the same file moves the old problem down two lines
	g.write(map[string]string{"manifests/a.yaml": "# owned by team a\n# see runbook\n" + files["manifests/a.yaml"]})
	g.commit("comment")
	code, r, _ := g.lint("--base", base)
	if code != 0 || r.rules("unchanged") != "image-latest-tag" || r.rules("new") != "" {
		t.Errorf("exit %d, findings %+v", code, r.Findings)
	}
	_, out, _ := run(t, "lint", "--base", base, g.dir)
	if !regexp.MustCompile(`no new findings; \d+ pre-existing not shown`).MatchString(out) {
		t.Errorf("text:\n%s", out)
	}
}

func TestChangeNewTargetAllNew(t *testing.T) {
	g := newGitRepo(t, changeFixture())
	base := g.commit("noop")
	g.write(map[string]string{"other/x.yaml": deployment("x", "ghcr.io/x/x", 2)})
	g.commit("new manifest folder")
	code, r, _ := g.lint("--base", base)
	if code != 1 || r.targets() != "other" || r.rules("new") != "image-latest-tag" {
		t.Errorf("exit %d, targets %s, new %q", code, r.targets(), r.rules("new"))
	}
}

func TestChangeStagedAndFiles(t *testing.T) {
	g := newGitRepo(t, changeFixture())
	g.write(map[string]string{"k/base/deploy.yaml": deployment("api", "ghcr.io/x/api", 2)})
	wt, _ := g.repo.Worktree()
	if _, err := wt.Add("k/base/deploy.yaml"); err != nil {
		t.Fatal(err)
	}
	code, r, _ := g.lint("--staged")
	if code != 1 || r.targets() != "k/dev k/prod" || r.rules("new") != "image-latest-tag" {
		t.Errorf("staged: exit %d, targets %s, new %q", code, r.targets(), r.rules("new"))
	}
	// file arguments after -- (what pre-commit passes), from two chunks, give the same targets
	c1, r1, _ := run(t, "lint", "--format", "json", g.dir, "--", filepath.Join(g.dir, "k/base/deploy.yaml"))
	c2, r2, _ := run(t, "lint", "--format", "json", g.dir, "--", filepath.Join(g.dir, "k/prod/patch.yaml"), filepath.Join(g.dir, "k/base/deploy.yaml"))
	if c1 != 1 || c2 != 1 || !strings.Contains(r1, `"dir": "k/dev"`) || !strings.Contains(r2, `"dir": "k/prod"`) || strings.Contains(r1, `"dir": "manifests"`) {
		t.Errorf("files mode: exit %d/%d\n%s\n%s", c1, c2, r1, r2)
	}
}

func TestChangeErrors(t *testing.T) {
	g := newGitRepo(t, changeFixture())
	notRepo := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "--base", "nope", g.dir}, `--base "nope": unknown revision`},
		{[]string{"lint", "--base", "main", notRepo}, "is not inside a git repository"},
		{[]string{"lint", "--base", "main", "--staged", g.dir}, "exclude each other"},
		{[]string{"lint", g.dir, "--", "/etc/passwd"}, "outside the repository"},
	} {
		code, _, errs := run(t, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("prodlint %s: exit %d, stderr %q; want 2 and %q", strings.Join(tt.args, " "), code, errs, tt.want)
		}
	}
}
