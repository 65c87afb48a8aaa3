package fonts

import (
	"fmt"
	"sort"
	"strings"
)

// Range is a closed interval of code points.
type Range struct{ Lo, Hi rune }

// Coverage is a set of code points as sorted, disjoint, non-adjacent
// ranges.
type Coverage []Range

// coverageOf builds a Coverage from runes in any order.
func coverageOf(runes []rune) Coverage {
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	var c Coverage
	for _, r := range runes {
		if n := len(c); n > 0 && r <= c[n-1].Hi+1 {
			if r > c[n-1].Hi {
				c[n-1].Hi = r
			}
			continue
		}
		c = append(c, Range{r, r})
	}
	return c
}

// Has reports whether r is in the set.
func (c Coverage) Has(r rune) bool {
	i := sort.Search(len(c), func(i int) bool { return c[i].Hi >= r })
	return i < len(c) && c[i].Lo <= r
}

// HasAll reports whether every rune is in the set.
func (c Coverage) HasAll(runes []rune) bool {
	for _, r := range runes {
		if !c.Has(r) {
			return false
		}
	}
	return true
}

// Len is the number of code points.
func (c Coverage) Len() int {
	n := 0
	for _, r := range c {
		n += int(r.Hi-r.Lo) + 1
	}
	return n
}

// Minus is the set of c's code points not in d.
func (c Coverage) Minus(d Coverage) Coverage {
	var out Coverage
	j := 0
	for _, r := range c {
		lo := r.Lo
		for j < len(d) && d[j].Hi < lo {
			j++
		}
		k := j
		for k < len(d) && d[k].Lo <= r.Hi {
			if d[k].Lo > lo {
				out = append(out, Range{lo, d[k].Lo - 1})
			}
			lo = d[k].Hi + 1
			k++
		}
		if lo <= r.Hi {
			out = append(out, Range{lo, r.Hi})
		}
	}
	return out
}

// Union is the set of code points in c or d.
func (c Coverage) Union(d Coverage) Coverage {
	merged := make(Coverage, 0, len(c)+len(d))
	merged = append(append(merged, c...), d...)
	sort.Slice(merged, func(i, j int) bool { return merged[i].Lo < merged[j].Lo })
	var out Coverage
	for _, r := range merged {
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// coalesce bounds c to at most limit ranges by filling the smallest gaps,
// but never a gap holding a code point of avoid: a browser fetches a face
// for any character in its unicode-range, so a filled gap must not pull a
// large font in for text another face draws. When avoid leaves too many
// gaps, the result has more than limit ranges (still correct).
func (c Coverage) coalesce(limit int, avoid Coverage) Coverage {
	if len(c) <= limit {
		return c
	}
	type gap struct {
		i    int // the gap after range i
		size rune
	}
	var gaps []gap
	for i := 0; i+1 < len(c); i++ {
		g := Range{c[i].Hi + 1, c[i+1].Lo - 1}
		if avoid.intersects(g) {
			continue
		}
		gaps = append(gaps, gap{i, g.Hi - g.Lo + 1})
	}
	sort.Slice(gaps, func(a, b int) bool {
		if gaps[a].size != gaps[b].size {
			return gaps[a].size < gaps[b].size
		}
		return gaps[a].i < gaps[b].i
	})
	fill := make([]bool, len(c))
	for n := len(c); n > limit && len(gaps) > 0; n-- {
		fill[gaps[0].i] = true
		gaps = gaps[1:]
	}
	var out Coverage
	for i, r := range c {
		if i > 0 && fill[i-1] {
			out[len(out)-1].Hi = r.Hi
			continue
		}
		out = append(out, r)
	}
	return out
}

func (c Coverage) intersects(r Range) bool {
	i := sort.Search(len(c), func(i int) bool { return c[i].Hi >= r.Lo })
	return i < len(c) && c[i].Lo <= r.Hi
}

// css is the set as a CSS unicode-range value.
func (c Coverage) css() string {
	var b strings.Builder
	for i, r := range c {
		if i > 0 {
			b.WriteString(", ")
		}
		if r.Lo == r.Hi {
			fmt.Fprintf(&b, "U+%X", r.Lo)
		} else {
			fmt.Fprintf(&b, "U+%X-%X", r.Lo, r.Hi)
		}
	}
	return b.String()
}
