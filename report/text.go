package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/prodlint/prodlint/lint"
)

// TextOptions control the terminal format.
type TextOptions struct {
	// Color adds ANSI colors (only on a terminal).
	Color bool
	// ShowSuppressed also prints findings suppressed in the source.
	ShowSuppressed bool
	// Snippets prints the source line under each finding, with a caret
	// under the offending column. Root is needed to read the files.
	Snippets bool
	Root     string
}

const (
	bold   = "\x1b[1m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

// Text writes findings grouped by file, one "file:line:col: severity:
// message [rule]" line each, then render errors and notes, then a one-line
// summary.
func Text(w io.Writer, res *lint.Result, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	c := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + reset
	}
	src := sourceCache{root: opts.Root}
	prev := ""
	shown := 0
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Baseline == lint.Unchanged || f.Suppressed != nil && !opts.ShowSuppressed {
			continue
		}
		shown++
		if f.Location.File != prev && prev != "" {
			bw.WriteString("\n")
		}
		prev = f.Location.File
		l := f.Location
		sev := c(sevColor(f.Severity), f.Severity.String())
		if f.Suppressed != nil {
			sev = c(dim, "suppressed "+f.Severity.String())
		}
		fmt.Fprintf(bw, "%s: %s: %s %s\n",
			c(bold, fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Col)), sev,
			f.Text(), c(dim, "["+f.Rule+"]"))
		if f.Suppressed != nil {
			fmt.Fprintf(bw, "    %s\n", c(dim, "suppressed: "+f.Suppressed.Justification))
		}
		for _, r := range f.Related {
			rl := r.Location
			fmt.Fprintf(bw, "    %s %s\n", c(dim, fmt.Sprintf("%s:%d:%d:", rl.File, rl.Line, rl.Col)), c(dim, r.Message))
		}
		if opts.Snippets {
			if line, ok := src.line(l.File, l.Line); ok {
				writeSnippet(bw, line, l.Line, l.Col, l.EndCol, l.EndLine == l.Line, c)
			}
		}
	}
	if shown > 0 && (len(res.Errors) > 0 || len(res.Notes) > 0) {
		bw.WriteString("\n")
	}
	for _, e := range res.Errors {
		fmt.Fprintf(bw, "%s: %s\n", c(red+bold, "error"), oneLine(e.Error()))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(bw, "%s: %s\n", c(cyan, "note"), oneLine(n))
	}
	if shown > 0 || len(res.Errors) > 0 || len(res.Notes) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString(Summarize(res).Line() + "\n")
	return bw.Flush()
}

func sevColor(s lint.Severity) string {
	switch s {
	case lint.Error:
		return red + bold
	case lint.Warning:
		return yellow + bold
	}
	return cyan
}

// oneLine keeps the first line of a multi-line message (stack traces stay in
// the JSON output) and indents the rest.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func writeSnippet(w io.Writer, line string, n, col, endCol int, sameLine bool, c func(string, string) string) {
	line = strings.TrimRight(strings.ReplaceAll(line, "\t", " "), "\r")
	num := fmt.Sprint(n)
	pad := strings.Repeat(" ", len(num))
	fmt.Fprintf(w, "%s %s %s\n", pad, c(dim, "|"), "")
	fmt.Fprintf(w, "%s %s %s\n", c(dim, num), c(dim, "|"), line)
	width := 1
	if sameLine && endCol > col {
		width = endCol - col
	}
	if rest := utf8.RuneCountInString(line) - (col - 1); width > rest && rest > 0 {
		width = rest
	}
	if col < 1 {
		col = 1
	}
	fmt.Fprintf(w, "%s %s %s%s\n", pad, c(dim, "|"), strings.Repeat(" ", col-1), c(yellow, "^"+strings.Repeat("~", max(width-1, 0))))
}

// sourceCache reads repository files once for snippets.
type sourceCache struct {
	root  string
	files map[string][]string
}

func (s *sourceCache) line(file string, n int) (string, bool) {
	if s.files == nil {
		s.files = map[string][]string{}
	}
	lines, ok := s.files[file]
	if !ok {
		b, err := os.ReadFile(filepath.Join(s.root, filepath.FromSlash(file)))
		if err == nil && utf8.Valid(b) {
			lines = strings.Split(string(b), "\n")
		}
		s.files[file] = lines
	}
	if n < 1 || n > len(lines) {
		return "", false
	}
	return lines[n-1], true
}
