package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestLocations lints every case under testdata/locations and checks each
// expected finding's primary location. A case is a small repository with a
// file "want": one line per expected finding,
//
//	<rule> <file>:<line>:<column>   # comment
//
// (file relative to the case). The test prints the exact-line rate; it
// fails when the rate is below 95 % or when any finding is in the wrong
// file.
func TestLocations(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "locations")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var total, exact, cases int
	var misses []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cases++
		name := e.Name()
		wants, err := readWants(filepath.Join(root, name, "want"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		dir := copyRepo(t, filepath.Join("locations", name))
		_, out, errs := run(t, "lint", "--format", "json", "--fail-on", "none", dir)
		var doc struct {
			Findings []struct {
				Rule     string `json:"rule"`
				Location struct {
					File string `json:"file"`
					Line int    `json:"line"`
					Col  int    `json:"column"`
				} `json:"location"`
			} `json:"findings"`
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Errorf("%s: %v\n%s", name, err, errs)
			continue
		}
		for _, e := range doc.Errors {
			t.Errorf("%s: render error: %s", name, e.Message)
		}
		got := map[string][]string{} // rule -> locations
		for _, f := range doc.Findings {
			got[f.Rule] = append(got[f.Rule], fmt.Sprintf("%s:%d:%d", f.Location.File, f.Location.Line, f.Location.Col))
		}
		for _, w := range wants {
			total++
			locs := got[w.rule]
			switch {
			case contains(locs, w.loc):
				exact++
			case len(locs) == 0:
				t.Errorf("%s: no %s finding (want %s)", name, w.rule, w.loc)
			case !anyInFile(locs, w.file()):
				t.Errorf("%s: %s in the wrong file: got %s, want %s", name, w.rule, strings.Join(locs, " "), w.loc)
			default:
				misses = append(misses, fmt.Sprintf("%s: %s at %s, want %s", name, w.rule, strings.Join(locs, " "), w.loc))
			}
		}
	}
	if total == 0 {
		t.Fatal("no location cases")
	}
	rate := 100 * float64(exact) / float64(total)
	sort.Strings(misses)
	t.Logf("locations: %d cases, %d expected findings, %d on the exact line and column (%.1f %%)", cases, total, exact, rate)
	for _, m := range misses {
		t.Logf("not exact: %s", m)
	}
	if rate < 95 {
		t.Errorf("exact-line rate %.1f %% is below 95 %%", rate)
	}
}

type wantLoc struct{ rule, loc string }

func (w wantLoc) file() string { return w.loc[:strings.Index(w.loc, ":")] }

func readWants(p string) ([]wantLoc, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ws []wantLoc
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || strings.Count(fields[1], ":") != 2 {
			return nil, fmt.Errorf("want:%d: write <rule> <file>:<line>:<column>", n)
		}
		ws = append(ws, wantLoc{fields[0], fields[1]})
	}
	return ws, sc.Err()
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func anyInFile(locs []string, file string) bool {
	for _, l := range locs {
		if strings.HasPrefix(l, file+":") {
			return true
		}
	}
	return false
}
