package loadgen

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"strings"
)

// Markdown renders the results as the load section of docs/performance.md.
func Markdown(results []*Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s; the generator and the server share the machine's cores unless the run says they were pinned.\n\n", measuredBy(results))
	b.WriteString("| | scenario | variant | members | cursor, draft or ack p50 / p99 / max (ms) | positions delivered | largest frame gap (ms) | server CPU (% of a core) | server CPU per position or draft delivered (µs) | server RSS (MB) | errors |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		errs := "—"
		if len(r.Errors) > 0 {
			var parts []string
			for k, v := range r.Errors {
				parts = append(parts, fmt.Sprintf("%s ×%d", k, v))
			}
			errs = strings.Join(parts, ", ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %.1f / %.1f / %.1f | %d | %.0f | %.1f | %.2f | %.0f | %s |\n",
			r.Scenario, r.Name, r.Variant, r.Members, r.LatencyP50ms, r.LatencyP99ms, r.LatencyMaxms, r.Positions, r.MaxGapMs, r.CPUPercent, r.CPUPerPosUs, r.RSSMB, errs)
	}
	b.WriteString(comparisonTable(results))
	b.WriteString("\n**Targets**\n\n| | what | target | this run | |\n|---|---|---|---|---|\n")
	for _, r := range results {
		for _, c := range r.Checks {
			mark := "met"
			if !c.OK {
				mark = "**missed**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Scenario, c.What, c.Target, c.Got, mark)
		}
	}
	var notes []string
	for _, r := range results {
		for _, n := range r.Notes {
			notes = append(notes, fmt.Sprintf("- %s (%s): %s", r.Scenario, r.Variant, n))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	}
	b.WriteString("\n![p99 latency and server CPU per scenario](load-chart.svg)\n")
	return b.String()
}

// ChartSVG draws p99 latency and server CPU per scenario run as paired
// horizontal bars.
func ChartSVG(results []*Result) string {
	const rowH, left, width = 34, 400, 360
	h := 60 + rowH*len(results)
	var maxLat, maxCPU float64 = 1, 1
	for _, r := range results {
		maxLat, maxCPU = max(maxLat, r.LatencyP99ms), max(maxCPU, r.CPUPercent)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`, left+2*width+40, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/>`)
	fmt.Fprintf(&b, `<text x="%d" y="20" font-weight="bold">p99 latency, cursor or ack (ms)</text>`, left)
	fmt.Fprintf(&b, `<text x="%d" y="20" font-weight="bold">server CPU (%% of one core)</text>`, left+width+20)
	for i, r := range results {
		y := 40 + i*rowH
		label := r.Label()
		fmt.Fprintf(&b, `<text x="8" y="%d">%s</text>`, y+14, html.EscapeString(label))
		lw := float64(width-60) * r.LatencyP99ms / maxLat
		cw := float64(width-60) * r.CPUPercent / maxCPU
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" fill="#4263eb"/><text x="%.1f" y="%d">%.1f</text>`, left, y, lw, float64(left)+lw+4, y+14, r.LatencyP99ms)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" fill="#f08c00"/><text x="%.1f" y="%d">%.0f</text>`, left+width+20, y, cw, float64(left+width+20)+cw+4, y+14, r.CPUPercent)
	}
	b.WriteString(`</svg>` + "\n")
	return b.String()
}

// Section markers of the generated part of docs/performance.md.
const (
	BeginMarker = "<!-- load:begin (written by make bench; edits here are overwritten) -->"
	EndMarker   = "<!-- load:end -->"
)

// ReplaceSection puts body between the markers of the file at path (at the
// top, under the title, when the file has none yet).
func ReplaceSection(path, body string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(old)
	section := BeginMarker + "\n" + body + EndMarker
	if i, j := strings.Index(doc, BeginMarker), strings.Index(doc, EndMarker); i >= 0 && j > i {
		doc = doc[:i] + section + doc[j+len(EndMarker):]
	} else {
		title, rest, _ := strings.Cut(doc, "\n")
		doc = title + "\n\n## Load scenarios (S1–S11)\n\n" + section + "\n" + rest
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}
