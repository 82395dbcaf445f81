package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// goreleaserConfig is the part of .goreleaser.yaml the tests check.
type goreleaserConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
}

// TestGoreleaserConfig checks the release configuration's promises, and
// that the ldflags it sets reach "prodlint version".
func TestGoreleaserConfig(t *testing.T) {
	root := repoRoot(t)
	var cfg goreleaserConfig
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, ".goreleaser.yaml"))), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 2 || len(cfg.Builds) != 1 || len(cfg.Archives) != 1 {
		t.Fatalf("want version 2, one build and one archive: %+v", cfg)
	}
	b := cfg.Builds[0]
	if b.Main != "./cmd/prodlint" || b.Binary != "prodlint" {
		t.Errorf("build main %q binary %q", b.Main, b.Binary)
	}
	slices.Sort(b.Goos)
	slices.Sort(b.Goarch)
	if !slices.Equal(b.Goos, []string{"darwin", "linux", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("platforms %v × %v", b.Goos, b.Goarch)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("want CGO_ENABLED=0 and -trimpath: env %v flags %v", b.Env, b.Flags)
	}
	ldflags := strings.Join(b.Ldflags, " ")
	for _, want := range []string{"-s", "-w", "-X main.version={{.Version}}", "-X main.commit={{.Commit}}", "-X main.date={{.Date}}"} {
		if !strings.Contains(" "+ldflags+" ", " "+want+" ") {
			t.Errorf("ldflags %q lack %q", ldflags, want)
		}
	}
	if cfg.Checksum.Algorithm != "sha256" || cfg.Checksum.NameTemplate == "" {
		t.Errorf("checksum %+v", cfg.Checksum)
	}
	a := cfg.Archives[0]
	if !slices.Equal(a.Formats, []string{"tar.gz"}) || len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" {
		t.Errorf("archives: tar.gz, zip on windows: %+v", a)
	}

	// The variables exist: a build with the release ldflags prints them.
	// (No -trimpath here, so that the build cache serves the packages.)
	bin := filepath.Join(t.TempDir(), "prodlint")
	ld := strings.NewReplacer("{{.Version}}", "9.8.7", "{{.Commit}}", "abc1234", "{{.Date}}", "2026-11-26T00:00:00Z").Replace(ldflags)
	cmd := exec.Command("go", "build", "-ldflags", ld, "-o", bin, "./cmd/prodlint")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags %q: %v\n%s", ld, err, out)
	}
	got := must(t, root, nil, bin, "version").stdout
	if want := "prodlint 9.8.7 (commit abc1234, built 2026-11-26T00:00:00Z)"; strings.TrimSpace(got) != want {
		t.Errorf("prodlint version: %q, want %q", got, want)
	}
}

// TestGoreleaserCheck runs "goreleaser check" when goreleaser is installed
// (PRODLINT_GORELEASER=1 scripts/install-test-tools.sh builds it into
// .tools/bin; that takes minutes, so a missing goreleaser skips this test
// in CI too).
func TestGoreleaserCheck(t *testing.T) {
	root := repoRoot(t)
	gr := filepath.Join(toolsDir(t), "bin", "goreleaser")
	if _, err := os.Stat(gr); err != nil {
		if gr, err = exec.LookPath("goreleaser"); err != nil {
			t.Skip("goreleaser is not installed: PRODLINT_GORELEASER=1 scripts/install-test-tools.sh, " +
				"or go run github.com/goreleaser/goreleaser/v2@v2.15.1 check")
		}
	}
	// In a copy, so that the check depends on neither the clone's remotes
	// nor its state.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{".goreleaser.yaml": readFile(t, filepath.Join(root, ".goreleaser.yaml"))})
	r := run(t, dir, nil, gr, "check")
	if r.code != 0 {
		t.Errorf("goreleaser check: %v", r)
	}
}
