package board

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// pointsAsBefore decodes points as the element decoder did before
// wirePoints: encoding/json into [][]float64, in a struct of the same name
// so that its errors read the same.
func pointsAsBefore(data []byte) ([][]float64, error) {
	type wireElement struct {
		Points [][]float64 `json:"points"`
	}
	var w wireElement
	err := json.Unmarshal(data, &w)
	return w.Points, err
}

func pointsNow(data []byte) ([][]float64, error) {
	type wireElement struct {
		Points wirePoints `json:"points"`
	}
	var w wireElement
	err := json.Unmarshal(data, &w)
	return w.Points, err
}

// checkPointsAgree fails t unless the hand-written points decoder gives
// what encoding/json gave for the element data: the same pairs, or the
// same error.
func checkPointsAgree(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := pointsAsBefore(data)
	got, err := pointsNow(data)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("%s: error %v, encoding/json says %v", data, err, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: %#v, encoding/json gives %#v", data, got, want)
	}
}

var pointsCases = []string{
	`{"points":[[0,0],[1.5,-2.25],[1e3,-0],[12345.67,0.5E-2]]}`,
	`{"points":[ [ 0 , 1 ] ,	[2,3]
]}`,
	`{"points":[]}`, `{"points":[ ]}`, `{"points":null}`, `{}`,
	`{"points":[[1,2,3]]}`, `{"points":[[1]]}`, `{"points":[[]]}`, `{"points":[["1",2]]}`,
	`{"points":[[1e400,0]]}`, `{"points":[[01,2]]}`, `{"points":[[1,2],]}`, `{"points":[[1,2]`,
	`{"points":[[1,2]],"points":[[3,4]]}`, `{"points":[[1,2]],"points":null}`, `{"points":{"a":1}}`,
	`{"points":[[1,2],[3,4,5],[6,7]]}`, `{"points":[[-,2]]}`, `{"points":[[1.,2]]}`, `{"points":[null]}`,
}

func TestWirePointsAgreeWithEncodingJSON(t *testing.T) {
	for _, c := range pointsCases {
		checkPointsAgree(t, []byte(c))
	}
	// The hand-written path is the one taken for the usual shape: one
	// backing array, not a slice per pair, so allocations do not grow
	// with the points (encoding/json: 18 for 4 points, 44 for 16).
	allocs := func(n int) float64 {
		data := []byte(`{"points":[[0,0]` + strings.Repeat(`,[1.5,-2]`, n-1) + `]}`)
		return testing.AllocsPerRun(10, func() { pointsNow(data) })
	}
	if four, sixteen := allocs(4), allocs(16); sixteen > four {
		t.Fatalf("%v allocations for 4 points, %v for 16: the pairs went through encoding/json", four, sixteen)
	}
}

// FuzzWirePoints checks the points decoder against encoding/json on
// arbitrary input.
func FuzzWirePoints(f *testing.F) {
	for _, c := range pointsCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPointsAgree(t, data)
	})
}
