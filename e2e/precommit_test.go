package e2e

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// hookTag is the tag of the temporary hook repository.
const hookTag = "v0.0.0-test"

// privilegedDeployment is a manifest with an error-severity finding
// (privileged-container); deploymentFixed is the same without it.
const (
	deploymentFixed = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.2.3
`
	privilegedDeployment = deploymentFixed + `          securityContext:
            privileged: true
`
)

// TestPreCommitHooksManifest checks .pre-commit-hooks.yaml: pre-commit
// accepts it, and the hooks are the ones the documentation promises.
func TestPreCommitHooksManifest(t *testing.T) {
	root := repoRoot(t)
	var hooks []struct {
		ID            string   `yaml:"id"`
		Language      string   `yaml:"language"`
		Entry         string   `yaml:"entry"`
		Args          []string `yaml:"args"`
		Files         string   `yaml:"files"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		RequireSerial bool     `yaml:"require_serial"`
		Stages        []string `yaml:"stages"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, ".pre-commit-hooks.yaml"))), &hooks); err != nil {
		t.Fatal(err)
	}
	byID := map[string]int{}
	for i, h := range hooks {
		byID[h.ID] = i
		if !h.RequireSerial {
			t.Errorf("%s: require_serial is not set: pre-commit would split the files over parallel processes", h.ID)
		}
		if !strings.HasPrefix(h.Entry, "prodlint lint") {
			t.Errorf("%s: entry %q", h.ID, h.Entry)
		}
	}
	for _, id := range []string{"prodlint", "prodlint-all", "prodlint-system"} {
		if _, ok := byID[id]; !ok {
			t.Fatalf("no hook %q", id)
		}
	}
	lang := map[string]string{"prodlint": "golang", "prodlint-all": "golang", "prodlint-system": "system"}
	for id, want := range lang {
		if got := hooks[byID[id]].Language; got != want {
			t.Errorf("%s: language %q, want %q", id, got, want)
		}
	}
	all := hooks[byID["prodlint-all"]]
	if all.PassFilenames == nil || *all.PassFilenames || !slices.Contains(all.Stages, "manual") {
		t.Errorf("prodlint-all: want pass_filenames: false and the manual stage, got %+v", all)
	}
	for _, id := range []string{"prodlint", "prodlint-system"} {
		h := hooks[byID[id]]
		// The files go after "--" (file mode); the user's args replace it.
		if !slices.Equal(h.Args, []string{"--"}) {
			t.Errorf("%s: args %q, want [--]", id, h.Args)
		}
	}
	if hooks[byID["prodlint"]].Files != hooks[byID["prodlint-system"]].Files {
		t.Errorf("prodlint and prodlint-system match different files")
	}

	// The files pattern (a Python regular expression; this one is also
	// valid RE2).
	re := mustCompilePy(t, hooks[byID["prodlint"]].Files)
	for _, f := range []string{
		"deploy/app.yaml", "a.yml", "charts/x/Chart.yaml", "charts/x/Chart.lock", "charts/x/.helmignore",
		"charts/x/templates/_helpers.tpl", "charts/x/values.schema.json", "charts/x/charts/dep-1.0.0.tgz",
		"k/kustomization.yaml", "k/kustomization.yml", "k/Kustomization", ".prodlint.yaml", "Chart.lock",
	} {
		if !re(f) {
			t.Errorf("files does not match %s", f)
		}
	}
	for _, f := range []string{"main.go", "README.md", "package.json", "a.yaml.bak", "docs/Chart.lock.md"} {
		if re(f) {
			t.Errorf("files matches %s", f)
		}
	}

	if p, err := exec.LookPath("pre-commit"); err == nil {
		must(t, root, nil, p, "validate-manifest", ".pre-commit-hooks.yaml")
	} else {
		missingTool(t, "pre-commit is not installed; the manifest was not validated by pre-commit")
	}
}

// TestFileModeChunks checks what the hooks rely on: "prodlint lint -- FILE..."
// lints the targets the files belong to, so any split of the files into
// chunks finds what one run over all of them finds, and pre-commit's exit
// status (the highest of the chunks') is the one run's.
func TestFileModeChunks(t *testing.T) {
	needGit(t)
	bin := prodlintBin(t)
	dir := newGitRepo(t, chunkRepo)
	files := []string{
		"charts/web/Chart.yaml", "charts/web/templates/deployment.yaml", "charts/web/values.yaml",
		"k/base/deployment.yaml", "k/overlays/prod/kustomization.yaml",
		"plain/job.yaml", "plain/notes.yaml", "README.md",
	}
	type key struct{ rule, file string }
	lintFiles := func(files ...string) (map[key]bool, int) {
		args := append([]string{"lint", "--format", "json", "--"}, files...)
		r := run(t, dir, nil, bin, args...)
		if r.code != 0 && r.code != 1 {
			t.Fatalf("prodlint %s: %v", strings.Join(args, " "), r)
		}
		got := map[key]bool{}
		if strings.HasPrefix(r.stdout, "nothing to lint") {
			return got, r.code
		}
		var rep struct {
			Findings []struct {
				Rule     string `json:"rule"`
				Location struct {
					File string `json:"file"`
				} `json:"location"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("prodlint %s: %v\n%s", strings.Join(args, " "), err, r)
		}
		for _, f := range rep.Findings {
			got[key{f.Rule, f.Location.File}] = true
		}
		return got, r.code
	}
	whole, wholeCode := lintFiles(files...)
	if len(whole) == 0 || wholeCode != 1 {
		t.Fatalf("one run over all files: %d findings, exit %d; want findings and exit 1", len(whole), wholeCode)
	}
	for _, chunks := range [][][]string{
		{files[:1], files[1:2], files[2:]},
		{files[:4], files[4:]},
		{{files[0]}, {files[1]}, {files[2]}, {files[3]}, {files[4]}, {files[5]}, {files[6]}, {files[7]}},
	} {
		union, maxCode := map[key]bool{}, 0
		for _, c := range chunks {
			got, code := lintFiles(c...)
			for k := range got {
				union[k] = true
			}
			maxCode = max(maxCode, code)
		}
		if maxCode != wholeCode {
			t.Errorf("chunks %q: highest exit %d, one run %d", chunks, maxCode, wholeCode)
		}
		for k := range whole {
			if !union[k] {
				t.Errorf("chunks %q: %v missing", chunks, k)
			}
		}
		for k := range union {
			if !whole[k] {
				t.Errorf("chunks %q: %v not in the one run", chunks, k)
			}
		}
	}
	// A file that is no Kubernetes object (the pre-commit configuration,
	// a README) lints nothing and passes.
	if got, code := lintFiles("README.md", "plain/notes.yaml"); len(got) != 0 || code != 0 {
		t.Errorf("non-Kubernetes files: %d findings, exit %d", len(got), code)
	}
}

var chunkRepo = map[string]string{
	"README.md":              "# repo\n",
	"charts/web/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
	"charts/web/values.yaml": "image: ghcr.io/example/web:latest\n",
	"charts/web/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
`,
	"k/base/kustomization.yaml": "resources: [deployment.yaml]\n",
	"k/base/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.0.0
`,
	"k/overlays/prod/kustomization.yaml": "resources: [../../base]\nnamespace: prod\n",
	"plain/job.yaml": `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: jobs
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/example/migrate:2.0.0
          securityContext:
            privileged: true
`,
	"plain/notes.yaml": "title: not a Kubernetes object\n",
}

// TestPreCommit installs the prodlint hook from a snapshot of this
// repository's work tree into a consumer repository, and checks that a
// commit with a bad manifest is blocked with the finding printed and that
// the fixed manifest commits.
func TestPreCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the first hook install compiles prodlint")
	}
	needGit(t)
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		missingTool(t, "pre-commit is not installed")
	}
	hookRepo := snapshotRepo(t)

	// pre-commit runs "go install ./..." with GOPATH set to the hook
	// environment. GOMODCACHE and GOCACHE point it at this machine's caches
	// (else it downloads every module again and deletes them afterwards);
	// GOPROXY=off proves that it does. "go list -deps" first fetches
	// whatever the build needs that the cache lacks.
	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	must(t, hookRepo, []string{"GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false"}, "go", "list", "-deps", "./...")
	home := t.TempDir()
	env := append([]string{
		"HOME=" + home, // no user git or pre-commit configuration
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"PRE_COMMIT_HOME=" + filepath.Join(home, "pre-commit"),
		"GOMODCACHE=" + goEnv("GOMODCACHE"),
		"GOCACHE=" + goEnv("GOCACHE"),
		"GOPROXY=off",
		"GOTOOLCHAIN=local",
		"GOFLAGS=-buildvcs=false",
		"PRE_COMMIT_COLOR=never",
	}, gitEnv...)

	consumer := newGitRepo(t, map[string]string{"README.md": "# consumer\n"})
	writeFiles(t, consumer, map[string]string{".pre-commit-config.yaml": `repos:
  - repo: ` + hookRepo + `
    rev: ` + hookTag + `
    hooks:
      - id: prodlint
        args: [--fail-on, error, --]
      - id: prodlint-all
`})
	must(t, consumer, env, preCommit, "install")
	r := must(t, consumer, env, preCommit, "install-hooks")
	logTime(t, "pre-commit first install (clone + go install of prodlint)", r.took)

	commit := func(msg string) result {
		t.Helper()
		git(t, consumer, "add", "-A")
		return run(t, consumer, env, "git", "commit", "-m", msg)
	}
	// The configuration is YAML, so the hook runs on it and lints nothing.
	if r := commit("pre-commit configuration"); r.code != 0 {
		t.Fatalf("committing .pre-commit-config.yaml: %v", r)
	}

	writeFiles(t, consumer, map[string]string{"deploy/app.yaml": privilegedDeployment})
	head := git(t, consumer, "rev-parse", "HEAD")
	r = commit("bad manifest")
	logTime(t, "blocked one-file commit", r.took)
	out := r.stdout + r.stderr
	if r.code == 0 {
		t.Fatalf("the commit of a privileged container passed:\n%v", r)
	}
	for _, want := range []string{"prodlint", "Failed", "deploy/app.yaml:20:", "[privileged-container]", "1 error"} {
		if !strings.Contains(out, want) {
			t.Errorf("hook output lacks %q:\n%s", want, out)
		}
	}
	if got := git(t, consumer, "rev-parse", "HEAD"); got != head {
		t.Errorf("HEAD moved to %s although the hook failed", got)
	}

	writeFiles(t, consumer, map[string]string{"deploy/app.yaml": deploymentFixed})
	r = commit("fixed manifest")
	logTime(t, "passing one-file commit", r.took)
	if r.code != 0 {
		t.Fatalf("the commit of the fixed manifest failed: %v", r)
	}
	if !strings.Contains(r.stdout+r.stderr, "prodlint....") {
		t.Errorf("the hook did not run:\n%v", r)
	}

	// prodlint-all lints the whole repository with the default --fail-on
	// warning: the fixed manifest still has warnings.
	r = run(t, consumer, env, preCommit, "run", "prodlint-all", "--hook-stage", "manual")
	if r.code == 0 || !strings.Contains(r.stdout, "[missing-liveness-probe]") {
		t.Errorf("prodlint-all: want the warnings and a failure, got %v", r)
	}

	// prodlint-system runs the prodlint on PATH.
	bin := prodlintBin(t)
	sysEnv := append(slices.Clone(env), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	writeFiles(t, consumer, map[string]string{".pre-commit-config.yaml": `repos:
  - repo: ` + hookRepo + `
    rev: ` + hookTag + `
    hooks:
      - id: prodlint-system
`, "deploy/app.yaml": privilegedDeployment})
	r = run(t, consumer, sysEnv, preCommit, "run", "prodlint-system", "--files", "deploy/app.yaml")
	if r.code == 0 || !strings.Contains(r.stdout, "[privileged-container]") {
		t.Errorf("prodlint-system: want the finding and a failure, got %v", r)
	}
	logTime(t, "prodlint-system one-file run", r.took)
}

// snapshotRepo copies this module's work tree (tracked and untracked files
// that git does not ignore, without testdata) into a new git repository,
// commits it and tags the commit hookTag, so that the hook is built from the
// code under test, committed or not. It returns the repository's folder.
func snapshotRepo(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	dst := t.TempDir()
	var files []string
	if out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output(); err == nil {
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
	} else {
		// Not a git checkout: take every file outside hidden folders.
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() && rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				files = append(files, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, f := range files {
		if f == "testdata" || strings.HasPrefix(f, "testdata/") || strings.Contains(f, "/testdata/") {
			continue
		}
		src := filepath.Join(root, filepath.FromSlash(f))
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree, or a symlink
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if _, err := os.Stat(filepath.Join(dst, ".pre-commit-hooks.yaml")); err != nil {
		t.Fatalf("the snapshot has no .pre-commit-hooks.yaml: %v", err)
	}
	start := time.Now()
	git(t, dst, "init", "-q", "-b", "main")
	git(t, dst, "add", "-A")
	git(t, dst, "commit", "-q", "--no-verify", "-m", "snapshot of the work tree")
	git(t, dst, "tag", hookTag)
	t.Logf("hook repository: %d files in %v", n, time.Since(start).Round(time.Millisecond))
	return dst
}

// mustCompilePy compiles a pre-commit files pattern (a Python regular
// expression used with re.search) for the subset that RE2 shares.
func mustCompilePy(t *testing.T, pattern string) func(string) bool {
	t.Helper()
	re, err := regexp.Compile(pattern)
	if err != nil {
		t.Fatalf("files pattern %q: %v", pattern, err)
	}
	return re.MatchString
}
