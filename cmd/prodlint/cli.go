package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/report"
	"github.com/prodlint/prodlint/sarif"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitRender   = 3
)

const usage = `prodlint catches production-readiness problems in Kubernetes manifests,
Helm charts and kustomizations.

Usage:
  prodlint lint [flags] [PATH]   lint every target under PATH (default .)
  prodlint render [PATH]         print the objects prodlint lints, with their source
  prodlint rules                 list the rules
  prodlint explain RULE          print a rule's documentation
  prodlint version               print version, commit and build date

Run "prodlint lint --help" for the lint flags.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or configuration error, 3 a target could not be rendered or read.
`

// usageError is a problem with the command line or configuration (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// Main runs prodlint with args (without the program name) and returns the
// exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	code := exitOK
	switch cmd, rest := args[0], args[1:]; cmd {
	case "lint":
		code, err = lintCmd(rest, stdout, stderr)
	case "render":
		code, err = renderCmd(rest, stdout, stderr)
	case "rules":
		err = rulesCmd(rest, stdout)
	case "explain":
		err = explainCmd(rest, stdout)
	case "version", "--version":
		v, c, d := buildVersion()
		fmt.Fprintf(stdout, "prodlint %s (commit %s, built %s)\n", v, c, d)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = usagef("unknown command %q; run \"prodlint help\"", cmd)
	}
	if err != nil {
		fmt.Fprintf(stderr, "prodlint: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) || errors.Is(err, pflag.ErrHelp) {
			return exitUsage
		}
		return exitRender
	}
	return code
}

// lintFlags are the flags of "prodlint lint".
type lintFlags struct {
	format      string
	output      string
	kubeVersion string
	apiVersions []string
	failOn      string
	color       string
	release     string
	namespace   string
	parallel    int
	category    string
	base        string
	staged      bool
	allFindings bool
	shard       string
	shardIndex  int // 0-based; with shardCount > 0
	shardCount  int
	config      string
	kubeSet     bool // --kube-version was given
	showSupp    bool
	inclSupp    bool
	timeout     time.Duration
}

func parseLintFlags(args []string, stderr io.Writer) (*lintFlags, []string, []string, error) {
	f := &lintFlags{}
	fs := pflag.NewFlagSet("prodlint lint", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.format, "format", "text", "output format: text, json, sarif or github")
	fs.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	fs.StringVar(&f.kubeVersion, "kube-version", defaultKubeVersion(), "Kubernetes `version` to render and check for (Helm .Capabilities.KubeVersion)")
	fs.StringSliceVarP(&f.apiVersions, "api-versions", "a", nil, "extra API versions for Helm .Capabilities.APIVersions (monitoring.coreos.com/v1, policy/v1/PodDisruptionBudget); repeatable")
	fs.StringVar(&f.failOn, "fail-on", "warning", "exit 1 when a finding has this severity or worse: error, warning, note or none")
	fs.StringVar(&f.color, "color", "auto", "color text output: auto (on a terminal), always or never")
	fs.StringVar(&f.release, "release-name", "release-name", "Helm release name")
	fs.StringVar(&f.namespace, "namespace", "default", "Helm release namespace")
	fs.IntVarP(&f.parallel, "jobs", "j", 0, "targets rendered at once (default: one per core)")
	fs.StringVar(&f.category, "sarif-category", "prodlint", "SARIF automationDetails category (one per tool and target set)")
	fs.StringVar(&f.base, "base", "", "lint what changed since the merge base of `REV` and HEAD (origin/main, a tag, a SHA), work tree changes included")
	fs.BoolVar(&f.staged, "staged", false, "lint what the index changes against HEAD (what a commit would contain)")
	fs.DurationVar(&f.timeout, "target-timeout", lint.DefaultTargetTimeout, "time budget of one target's render; a target that runs over fails with a clear error")
	fs.StringVar(&f.config, "config", "", "configuration `FILE` (default: .prodlint.yaml at the repository root, if present)")
	fs.BoolVar(&f.showSupp, "show-suppressed", false, "text and GitHub output: also show findings suppressed in the source")
	fs.BoolVar(&f.inclSupp, "include-suppressed", false, "SARIF: keep suppressed findings (with their justification); GitHub code scanning would show them as open alerts")
	fs.StringVar(&f.shard, "shard", "", "lint only shard `I/N` of the targets (1/3, 2/3, 3/3): a deterministic, balanced split for parallel CI jobs")
	fs.BoolVar(&f.allFindings, "all-findings", false, "with --base or --staged: report every finding of the affected targets, not only the new ones")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: prodlint lint [flags] [PATH] [-- FILE...]\n\n"+
			"Lints every Helm chart, kustomization and Kubernetes manifest under PATH (default .).\n"+
			"With --base or --staged, or with FILEs after --, lints only the targets the change touches;\n"+
			"--base and --staged also render the base revision and report only new findings.\n\nFlags:\n%s", fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, nil, nil, err
		}
		return nil, nil, nil, usagef("%v; run \"prodlint lint --help\"", err)
	}
	f.kubeSet = fs.Changed("kube-version")
	pos := fs.Args()
	var files []string
	if n := fs.ArgsLenAtDash(); n >= 0 {
		pos, files = pos[:n], pos[n:]
	}
	return f, pos, files, nil
}

// normalizeKubeVersion is lint.NormalizeKubeVersion with a usage error.
func normalizeKubeVersion(s string) (string, error) {
	v, ok := lint.NormalizeKubeVersion(s)
	if !ok {
		return "", usagef("--kube-version %q: use a Kubernetes version such as 1.34 or 1.34.2", s)
	}
	return v, nil
}

func lintCmd(args []string, stdout, stderr io.Writer) (int, error) {
	f, paths, files, err := parseLintFlags(args, stderr)
	if err != nil {
		return exitUsage, err
	}
	opts, failOn, err := f.validate(paths)
	if err != nil {
		return exitUsage, err
	}
	path := "."
	if len(paths) == 1 {
		path = paths[0]
	}
	scope, err := resolveScope(f, path, files)
	if err != nil {
		return exitUsage, err
	}
	defer scope.close()
	opts.Root = scope.root
	res, err := lintScope(f, scope, opts)
	if err != nil {
		return exitRender, err
	}
	if res == nil {
		const nothing = "nothing to lint: the change touches no Helm chart, kustomization or Kubernetes manifest"
		if f.format == "text" && f.output == "" {
			fmt.Fprintln(stdout, nothing)
			return exitOK, nil
		}
		// Machine formats always get a report, so that pipelines can rely on it.
		res = &lint.Result{Notes: []string{nothing}}
	}
	if err := writeReport(f, res, scope.root, stdout, stderr); err != nil {
		return exitRender, err
	}
	return exitCode(res, failOn), nil
}

// validate checks the flags that need no file system and returns the render
// options and the failure threshold.
func (f *lintFlags) validate(paths []string) (render.Options, lint.Severity, error) {
	var opts render.Options
	switch f.format {
	case "text", "json", "sarif", "github":
	default:
		return opts, 0, usagef("--format %q: use text, json, sarif or github", f.format)
	}
	failOn, err := lint.ParseSeverity(f.failOn)
	if err != nil {
		return opts, 0, usagef("--fail-on: %v", err)
	}
	kv, err := normalizeKubeVersion(f.kubeVersion)
	if err != nil {
		return opts, 0, err
	}
	if f.color != "auto" && f.color != "always" && f.color != "never" {
		return opts, 0, usagef("--color %q: use auto, always or never", f.color)
	}
	if len(paths) > 1 {
		return opts, 0, usagef("lint takes one PATH, got %d (%s); pass changed files after --", len(paths), strings.Join(paths, " "))
	}
	if f.base != "" && f.staged {
		return opts, 0, usagef("--base and --staged exclude each other")
	}
	if f.timeout <= 0 {
		return opts, 0, usagef("--target-timeout %s: use a positive duration such as 60s", f.timeout)
	}
	if f.shard != "" {
		var i, n int
		if _, err := fmt.Sscanf(f.shard, "%d/%d", &i, &n); err != nil || n < 1 || i < 1 || i > n || fmt.Sprintf("%d/%d", i, n) != f.shard {
			return opts, 0, usagef("--shard %q: use I/N with 1 <= I <= N, such as 2/3", f.shard)
		}
		f.shardIndex, f.shardCount = i-1, n
	}
	opts = render.Options{KubeVersion: kv, APIVersions: f.apiVersions, ReleaseName: f.release, Namespace: f.namespace}
	return opts, failOn, nil
}

// exitCode: a render failure wins (3), then findings at or above the
// threshold (1), else 0.
func exitCode(res *lint.Result, failOn lint.Severity) int {
	if len(res.Errors) > 0 {
		return exitRender
	}
	if failOn != lint.None {
		for _, f := range res.Findings {
			if f.Severity >= failOn && f.Baseline != lint.Unchanged && f.Suppressed == nil {
				return exitFindings
			}
		}
	}
	return exitOK
}

func writeReport(f *lintFlags, res *lint.Result, root string, stdout, stderr io.Writer) (err error) {
	w := stdout
	toFile := f.output != ""
	if toFile {
		file, err := os.Create(f.output)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		defer func() {
			if cerr := file.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("--output: %w", cerr)
			}
		}()
		w = file
	}
	v, _, _ := buildVersion()
	switch f.format {
	case "json":
		err = report.JSON(w, res, v)
	case "sarif":
		err = sarif.Write(w, res, sarif.Options{Version: v, Category: f.category, RootURI: fileURI(root), IncludeSuppressed: f.inclSupp})
	case "github":
		err = report.GitHub(w, res)
	default:
		tty := !toFile && isTerminal(stdout)
		color := f.color == "always" || f.color == "auto" && tty && os.Getenv("NO_COLOR") == ""
		err = report.Text(w, res, report.TextOptions{Color: color, Snippets: tty, Root: root, ShowSuppressed: f.showSupp})
	}
	if err != nil {
		return fmt.Errorf("write %s report: %w", f.format, err)
	}
	if toFile && f.format != "text" {
		fmt.Fprintln(stderr, report.Summarize(res).Line())
	}
	return nil
}

// locateRepo finds the repository root for path (the nearest folder above
// it with .git, else path itself) and path relative to that root.
func locateRepo(path string) (root, under string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", usagef("%s: %v", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", "", usagef("%s: no such file or folder", path)
	}
	if !st.IsDir() {
		return "", "", usagef("%s is a file; give the folder that holds it (its chart, kustomization or manifests folder)", path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	root = abs
	for dir := abs; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			root = dir
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return "", "", usagef("%s: %v", path, err)
	}
	return root, filepath.ToSlash(rel), nil
}

// targetOfFile guesses the target a discovery error belongs to.
func targetOfFile(file string) render.Target {
	dir := filepath.ToSlash(filepath.Dir(file))
	switch base := filepath.Base(file); {
	case base == "Chart.yaml":
		return render.Target{Kind: render.Helm, Dir: dir}
	case strings.HasPrefix(strings.ToLower(base), "kustomization"):
		return render.Target{Kind: render.Kustomize, Dir: dir}
	}
	return render.Target{Kind: render.Plain, Dir: dir}
}

func displayPath(p string) string {
	if p == "" {
		return "."
	}
	return p
}

func fileURI(root string) string {
	return "file://" + filepath.ToSlash(root) + "/"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
