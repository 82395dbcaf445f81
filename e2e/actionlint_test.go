package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// published is how the examples name the action; the tests replace it with
// the local action "./" so that actionlint checks the inputs and outputs
// against this repository's action.yml.
const published = "prodlint/prodlint@v1"

// examples returns the example workflows of docs/examples.
func examples(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot(t), "docs", "examples", "*.yml"))
	if err != nil || len(paths) < 3 {
		t.Fatalf("docs/examples: %q, %v", paths, err)
	}
	out := map[string]string{}
	for _, p := range paths {
		out[filepath.Base(p)] = readFile(t, p)
	}
	return out
}

// workflowRepo lays out a repository with action.yml at its root and the
// workflows in .github/workflows (actionlint resolves "uses: ./" only inside
// a git repository) and returns its folder.
func workflowRepo(t *testing.T, workflows map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"action.yml": readFile(t, filepath.Join(repoRoot(t), "action.yml"))}
	for name, body := range workflows {
		files[".github/workflows/"+name] = strings.ReplaceAll(body, "uses: "+published, "uses: ./")
	}
	writeFiles(t, dir, files)
	return dir
}

// TestExampleWorkflowsActionlint checks docs/examples/*.yml, with the local
// action, with actionlint (which also runs shellcheck on run: blocks when
// shellcheck is installed).
func TestExampleWorkflowsActionlint(t *testing.T) {
	al := lookTool(t, "actionlint")
	ex := examples(t)
	for name, body := range ex {
		if !strings.Contains(body, "uses: "+published) {
			t.Errorf("%s does not use %s", name, published)
		}
	}
	dir := workflowRepo(t, ex)
	r := run(t, dir, nil, al, "-no-color")
	if r.code != 0 {
		t.Errorf("actionlint: %v", r)
	}
	t.Logf("actionlint checked %d workflows in %v", len(ex), r.took)

	// Control: actionlint reads action.yml, so a misspelt input fails.
	var first string
	for name := range ex {
		first = name
		break
	}
	bad := strings.Replace(ex[first], "uses: "+published+"\n        with:\n", "uses: "+published+"\n        with:\n          versoin: v1\n", 1)
	if bad == ex[first] {
		t.Fatalf("%s: no \"with:\" after the action", first)
	}
	dir = workflowRepo(t, map[string]string{first: bad})
	r = run(t, dir, nil, al, "-no-color")
	if r.code != 1 || !strings.Contains(r.stdout, `input "versoin" is not defined in action "prodlint"`) {
		t.Errorf("actionlint did not check the inputs against action.yml: %v", r)
	}
}

// TestActionValidator checks action.yml and the example workflows against
// SchemaStore's schemas with @action-validator/cli.
func TestActionValidator(t *testing.T) {
	root := repoRoot(t)
	v := filepath.Join(toolsDir(t), "node_modules", ".bin", "action-validator")
	if _, err := os.Stat(v); err != nil {
		missingTool(t, "@action-validator/cli is not installed in %s", toolsDir(t))
	}
	files := []string{filepath.Join(root, "action.yml")}
	for name := range examples(t) {
		files = append(files, filepath.Join(root, "docs", "examples", name))
	}
	for _, f := range files {
		if r := run(t, root, nil, v, f); r.code != 0 {
			t.Errorf("action-validator %s: %v", f, r)
		}
	}
	// Control: a schema error in a composite step fails (the file must be
	// named action.yml to be read as an action).
	dir := t.TempDir()
	action := readFile(t, filepath.Join(root, "action.yml"))
	bad := strings.Replace(action, "    - name: Build prodlint", "    - nam: Build prodlint", 1)
	if bad == action {
		t.Fatal("action.yml has no step \"Build prodlint\"")
	}
	writeFiles(t, dir, map[string]string{"action.yml": bad})
	if r := run(t, dir, nil, v, filepath.Join(dir, "action.yml")); r.code == 0 {
		t.Errorf("action-validator accepted a step with \"nam:\": %v", r)
	}
}

// TestActionMetadata checks what neither validator does: every input
// reaches the scripts, the outputs come from the lint step, the SARIF
// upload uses codeql-action v4 with a category, and Go comes from the
// action's own go.mod.
func TestActionMetadata(t *testing.T) {
	root := repoRoot(t)
	var action struct {
		Inputs  map[string]struct{ Default string } `yaml:"inputs"`
		Outputs map[string]struct{ Value string }   `yaml:"outputs"`
		Runs    struct {
			Using string `yaml:"using"`
			Steps []struct {
				ID   string            `yaml:"id"`
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				If   string            `yaml:"if"`
				With map[string]string `yaml:"with"`
				Env  map[string]string `yaml:"env"`
				Run  string            `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, "action.yml"))), &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using %q", action.Runs.Using)
	}
	for _, in := range []string{"path", "base", "config", "kube-version", "fail-on", "format", "sarif-file", "upload-sarif", "version", "shard", "working-directory"} {
		if _, ok := action.Inputs[in]; !ok {
			t.Errorf("input %s is missing", in)
		}
	}
	for _, out := range []string{"sarif-file", "findings", "new-findings"} {
		if got := action.Outputs[out].Value; got != "${{ steps.lint.outputs."+out+" }}" {
			t.Errorf("output %s: value %q", out, got)
		}
	}
	// action.yml runs the scripts directly.
	for _, name := range []string{"run.sh", "install.sh"} {
		st, err := os.Stat(filepath.Join(root, "scripts", "action", name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o111 == 0 {
			t.Errorf("scripts/action/%s is not executable (git update-index --chmod=+x)", name)
		}
	}
	runScript := readFile(t, filepath.Join(root, "scripts", "action", "run.sh"))
	installScript := readFile(t, filepath.Join(root, "scripts", "action", "install.sh"))
	passed := map[string]bool{}
	var setupGo, upload bool
	for i, s := range action.Runs.Steps {
		for k, v := range s.Env {
			if m := regexp.MustCompile(`^\$\{\{ inputs\.([a-z-]+) \}\}$`).FindStringSubmatch(v); m != nil {
				passed[m[1]] = true
				script := runScript
				if s.ID == "install" {
					script = installScript
				}
				if !strings.Contains(script, k) {
					t.Errorf("step %s passes %s, which its script does not read", s.Name, k)
				}
			}
		}
		if strings.Contains(s.Run, "GITHUB_ACTION_PATH") && !strings.Contains(s.Run, `"$GITHUB_ACTION_PATH/scripts/action/`) {
			t.Errorf("step %s: run %q", s.Name, s.Run)
		}
		switch {
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			setupGo = true
			if s.With["go-version-file"] != "${{ github.action_path }}/go.mod" || s.With["cache-dependency-path"] != "${{ github.action_path }}/go.sum" {
				t.Errorf("setup-go: %v", s.With)
			}
			if i != 0 {
				t.Errorf("setup-go is step %d", i)
			}
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			upload = true
			if s.Uses != "github/codeql-action/upload-sarif@v4" || s.With["category"] == "" || !strings.Contains(s.If, "inputs.upload-sarif == 'true'") {
				t.Errorf("upload step: %+v", s)
			}
			if i != len(action.Runs.Steps)-2 {
				t.Errorf("the upload must come right before the failing step")
			}
		}
	}
	for in := range action.Inputs {
		if !passed[in] && in != "working-directory" {
			t.Errorf("input %s reaches no script", in)
		}
	}
	if !setupGo || !upload {
		t.Errorf("setup-go %v, upload-sarif %v", setupGo, upload)
	}
	last := action.Runs.Steps[len(action.Runs.Steps)-1]
	if last.If != "steps.lint.outputs.exit-code != '0'" || !strings.Contains(last.Run, `exit "$EXIT_CODE"`) {
		t.Errorf("the last step must fail with the recorded exit code: %+v", last)
	}
	for _, s := range []string{"curl", "wget", "| sh", "|sh"} {
		for _, body := range []string{installScript, runScript} {
			if strings.Contains(body, s) {
				t.Errorf("the action's scripts contain %q", s)
			}
		}
	}
}

// TestGitHubActionDocs checks that docs/github-action.md shows every example
// workflow verbatim and documents every input and output.
func TestGitHubActionDocs(t *testing.T) {
	root := repoRoot(t)
	doc := readFile(t, filepath.Join(root, "docs", "github-action.md"))
	var names []string
	for name, body := range examples(t) {
		names = append(names, name)
		if !strings.Contains(doc, "```yaml\n"+body+"```") {
			t.Errorf("docs/github-action.md does not show docs/examples/%s verbatim in a ```yaml block", name)
		}
	}
	slices.Sort(names)
	var action struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, "action.yml"))), &action); err != nil {
		t.Fatal(err)
	}
	for name := range action.Inputs {
		if !strings.Contains(doc, "| `"+name+"` |") {
			t.Errorf("docs/github-action.md: input %s is not in a table", name)
		}
	}
	for name := range action.Outputs {
		if !strings.Contains(doc, "| `"+name+"` |") {
			t.Errorf("docs/github-action.md: output %s is not in a table", name)
		}
	}
}
