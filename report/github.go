package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/prodlint/prodlint/lint"
)

// GitHub writes GitHub Actions workflow commands, one annotation per
// finding (::error file=…,line=…,col=…::message) and per render error, and
// the summary as a plain line.
func GitHub(w io.Writer, res *lint.Result) error {
	bw := bufio.NewWriter(w)
	for _, f := range res.Findings {
		if f.Baseline == lint.Unchanged || f.Suppressed != nil {
			continue
		}
		l := f.Location
		fmt.Fprintf(bw, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			ghLevel(f.Severity), ghProp(l.File), l.Line, l.Col, l.EndLine, l.EndCol,
			ghProp("prodlint "+f.Rule), ghData(f.Text()))
	}
	for _, e := range res.Errors {
		file, line := errorFile(e)
		props := "file=" + ghProp(file)
		if line > 0 {
			props += fmt.Sprintf(",line=%d", line)
		}
		fmt.Fprintf(bw, "::error %s,title=%s::%s\n", props, ghProp("prodlint render failed"), ghData(e.Error()))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(bw, "::notice title=prodlint::%s\n", ghData(n))
	}
	fmt.Fprintln(bw, Summarize(res).Line())
	return bw.Flush()
}

func ghLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "notice"
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
