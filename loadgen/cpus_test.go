package loadgen

import (
	"slices"
	"testing"
)

func TestParseCPUList(t *testing.T) {
	for in, want := range map[string][]int{"0": {0}, "1,0": {0, 1}, "0-2,5": {0, 1, 2, 5}, "2-3,3": {2, 3}} {
		got, err := ParseCPUList(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a", "2-1", "-1", "0,", "1-"} {
		if got, err := ParseCPUList(bad); err == nil {
			t.Errorf("ParseCPUList(%q) = %v, want an error", bad, got)
		}
	}
}

// The generator gets every allowed CPU the server does not, and a server
// list that takes them all, or names one not allowed, is refused.
func TestOtherCPUs(t *testing.T) {
	got, err := OtherCPUs([]int{0, 1, 2, 3}, "0,2")
	if err != nil || FormatCPUList(got) != "1,3" {
		t.Fatalf("OtherCPUs = %v, %v; want 1,3", got, err)
	}
	if _, err := OtherCPUs([]int{0, 1}, "0-1"); err == nil {
		t.Error("a server on every CPU left the generator none, and was accepted")
	}
	if _, err := OtherCPUs([]int{0, 1}, "4"); err == nil {
		t.Error("a CPU this process may not use was accepted")
	}
}
