package board

import (
	"encoding/json"
	"math"
	"regexp"
	"unicode/utf8"
)

// Kind is what an element is drawn as.
type Kind string

// The element kinds of protocol v1.
const (
	KindStroke  Kind = "stroke"
	KindRect    Kind = "rect"
	KindEllipse Kind = "ellipse"
	KindLine    Kind = "line"
	KindArrow   Kind = "arrow"
	KindText    Kind = "text"
	KindSticky  Kind = "sticky"
	// KindDiamond is a rhombus inscribed in its w×h box: sized, limited
	// and labelled like a rect.
	KindDiamond Kind = "diamond"
	// KindImage draws a blob of the board (Src) in its w×h box.
	KindImage Kind = "image"
)

// The stroke styles of Element.Dash. Solid is stored as "" so that
// elements without a dash encode exactly as before the field existed.
const (
	DashSolid  = "solid"
	DashDashed = "dashed"
	DashDotted = "dotted"
)

// Protocol limits on elements and ops.
const (
	MaxElementIDLen = 64
	MaxPoints       = 5000
	MaxText         = 4000
	MaxOpsPerMsg    = 500
	MaxRefLen       = 64
	MaxZLen         = 64
	MinWidth        = 0.5
	MaxWidth        = 100
	MinFont         = 4
	MaxFont         = 400
)

// Element is one shape on a board. Points are relative to X, Y. Fill is
// nil for no fill. Z orders elements: compared as a plain string
// (fractional index), ties broken by ID.
type Element struct {
	ID     string       `json:"id"`
	Kind   Kind         `json:"kind"`
	X      float64      `json:"x"`
	Y      float64      `json:"y"`
	W      float64      `json:"w"`
	H      float64      `json:"h"`
	Rot    float64      `json:"rot"`
	Points [][2]float64 `json:"points,omitempty"`
	Stroke string       `json:"stroke,omitempty"`
	Fill   *string      `json:"fill"`
	Width  float64      `json:"width,omitempty"`
	Text   string       `json:"text,omitempty"`
	Font   float64      `json:"font,omitempty"`
	Z      string       `json:"z,omitempty"`
	// The fields below came after v1; every one is omitted when unset so
	// that older elements re-encode byte for byte as before.
	Dash   string   `json:"dash,omitempty"`  // "" (solid), "dashed" or "dotted"
	Round  bool     `json:"round,omitempty"` // rounded corners: rect, diamond
	Start  *Binding `json:"start,omitempty"` // line, arrow: bound start point
	End    *Binding `json:"end,omitempty"`   // line, arrow: bound end point
	Group  string   `json:"group,omitempty"`
	Locked bool     `json:"locked,omitempty"`
	Src    string   `json:"src,omitempty"` // image: "blob:<sha256 hex>" of a blob of this board
}

// Binding ties an endpoint of a line or arrow to another element. The
// element need not exist: a binding to a missing id is drawn unbound.
type Binding struct {
	ID string `json:"id"`
}

// Less orders elements for drawing: by Z, then by ID.
func (e *Element) Less(o *Element) bool {
	if e.Z != o.Z {
		return e.Z < o.Z
	}
	return e.ID < o.ID
}

var zPattern = regexp.MustCompile(`^[0-9A-Za-z]+$`)

func hasPoints(k Kind) bool { return k == KindStroke || k == KindLine || k == KindArrow }
func hasText(k Kind) bool {
	return k == KindText || k == KindSticky || k == KindRect || k == KindEllipse || k == KindDiamond
}
func hasStroke(k Kind) bool { return k != KindText && k != KindSticky }
func hasRound(k Kind) bool  { return k == KindRect || k == KindDiamond }
func hasEnds(k Kind) bool   { return k == KindLine || k == KindArrow }

// validID tells whether s follows the rules of element ids, which group
// names and binding targets share: 1 to MaxElementIDLen characters of
// valid UTF-8.
func validID(s string) bool {
	return s != "" && utf8.RuneCountInString(s) <= MaxElementIDLen && utf8.ValidString(s)
}

// wireElement is an element as a client sends it: pointer fields tell
// absent from zero, and points are decoded loosely (wirePoints) so that a pair of the
// wrong length is reported rather than silently truncated (encoding/json
// drops extra array elements into a Go array).
type wireElement struct {
	ID     *string         `json:"id"`
	Kind   *string         `json:"kind"`
	X      *float64        `json:"x"`
	Y      *float64        `json:"y"`
	W      *float64        `json:"w"`
	H      *float64        `json:"h"`
	Rot    *float64        `json:"rot"`
	Points wirePoints      `json:"points"`
	Stroke *string         `json:"stroke"`
	Fill   json.RawMessage `json:"fill"`
	Width  *float64        `json:"width"`
	Text   *string         `json:"text"`
	Font   *float64        `json:"font"`
	Z      *string         `json:"z"`
	Dash   *string         `json:"dash"`
	Round  *bool           `json:"round"`
	Start  json.RawMessage `json:"start"`
	End    json.RawMessage `json:"end"`
	Group  *string         `json:"group"`
	Locked *bool           `json:"locked"`
	Src    *string         `json:"src"`
}

// toElement validates a decoded element against the protocol's limits.
// path names it in error messages ("ops[3].el").
func (w *wireElement) toElement(path string) (Element, error) {
	var e Element
	if w.ID == nil || !validID(*w.ID) {
		return e, Errorf(CodeBadRequest, "%s.id must be a string of 1 to %d characters", path, MaxElementIDLen)
	}
	e.ID = *w.ID
	if w.Kind == nil {
		return e, Errorf(CodeBadRequest, "%s.kind is missing", path)
	}
	switch k := Kind(*w.Kind); k {
	case KindStroke, KindRect, KindEllipse, KindDiamond, KindLine, KindArrow, KindText, KindSticky, KindImage:
		e.Kind = k
	default:
		return e, Errorf(CodeBadRequest, "%s.kind %q is not one of stroke, rect, ellipse, diamond, line, arrow, text, sticky, image", path, *w.Kind)
	}
	for _, f := range []struct {
		name string
		v    *float64
		dst  *float64
	}{{"x", w.X, &e.X}, {"y", w.Y, &e.Y}, {"w", w.W, &e.W}, {"h", w.H, &e.H}} {
		if f.v == nil {
			continue
		}
		if !ValidCoordinate(*f.v) {
			return e, Errorf(CodeBadRequest, "%s.%s must be a finite number with |v| ≤ 1e7", path, f.name)
		}
		*f.dst = *f.v
	}
	if w.Rot != nil {
		if !finite(*w.Rot) {
			return e, Errorf(CodeBadRequest, "%s.rot must be finite", path)
		}
		e.Rot = math.Mod(*w.Rot, 2*math.Pi)
	}
	if len(w.Points) > 0 {
		if !hasPoints(e.Kind) {
			return e, Errorf(CodeBadRequest, "%s.points are only for stroke, line and arrow", path)
		}
		if len(w.Points) > MaxPoints {
			return e, Errorf(CodeBadRequest, "%s.points has %d pairs, at most %d allowed", path, len(w.Points), MaxPoints)
		}
		e.Points = make([][2]float64, len(w.Points))
		for i, p := range w.Points {
			if len(p) != 2 || !ValidCoordinate(p[0]) || !ValidCoordinate(p[1]) {
				return e, Errorf(CodeBadRequest, "%s.points[%d] must be a pair of finite numbers with |v| ≤ 1e7", path, i)
			}
			e.Points[i] = [2]float64{p[0], p[1]}
		}
	} else if hasPoints(e.Kind) && w.Points != nil {
		return e, Errorf(CodeBadRequest, "%s.points must hold 1 to %d pairs", path, MaxPoints)
	}
	if w.Stroke != nil {
		if !colorPattern.MatchString(*w.Stroke) {
			return e, Errorf(CodeBadRequest, "%s.stroke must be #rrggbb", path)
		}
		e.Stroke = *w.Stroke
	}
	if len(w.Fill) > 0 && string(w.Fill) != "null" {
		var fill string
		if err := json.Unmarshal(w.Fill, &fill); err != nil || !colorPattern.MatchString(fill) {
			return e, Errorf(CodeBadRequest, "%s.fill must be null or #rrggbb", path)
		}
		e.Fill = &fill
	}
	if w.Width != nil {
		if !finite(*w.Width) || *w.Width < MinWidth || *w.Width > MaxWidth {
			return e, Errorf(CodeBadRequest, "%s.width must be between %g and %g", path, MinWidth, float64(MaxWidth))
		}
		e.Width = *w.Width
	}
	if w.Text != nil && *w.Text != "" {
		if !hasText(e.Kind) {
			return e, Errorf(CodeBadRequest, "%s.text is only for text, sticky, rect, ellipse and diamond", path)
		}
		if n := utf8.RuneCountInString(*w.Text); n > MaxText {
			return e, Errorf(CodeBadRequest, "%s.text has %d characters, at most %d allowed", path, n, MaxText)
		}
		e.Text = *w.Text
	}
	if w.Font != nil {
		if !finite(*w.Font) || *w.Font < MinFont || *w.Font > MaxFont {
			return e, Errorf(CodeBadRequest, "%s.font must be between %d and %d", path, MinFont, MaxFont)
		}
		e.Font = *w.Font
	}
	if w.Z != nil {
		if len(*w.Z) > MaxZLen || !zPattern.MatchString(*w.Z) {
			return e, Errorf(CodeBadRequest, "%s.z must be 1 to %d characters of [0-9A-Za-z]", path, MaxZLen)
		}
		e.Z = *w.Z
	}
	if w.Dash != nil {
		switch *w.Dash {
		case DashSolid:
		case DashDashed, DashDotted:
			if !hasStroke(e.Kind) {
				return e, Errorf(CodeBadRequest, "%s.dash is only for kinds with a stroke (not text or sticky)", path)
			}
			e.Dash = *w.Dash
		default:
			return e, Errorf(CodeBadRequest, "%s.dash must be one of solid, dashed, dotted", path)
		}
	}
	if w.Round != nil && *w.Round {
		if !hasRound(e.Kind) {
			return e, Errorf(CodeBadRequest, "%s.round is only for rect and diamond", path)
		}
		e.Round = true
	}
	var err error
	if e.Start, err = decodeBinding(w.Start, path+".start", e.Kind); err != nil {
		return e, err
	}
	if e.End, err = decodeBinding(w.End, path+".end", e.Kind); err != nil {
		return e, err
	}
	if w.Group != nil {
		if !validID(*w.Group) {
			return e, Errorf(CodeBadRequest, "%s.group must be a string of 1 to %d characters", path, MaxElementIDLen)
		}
		e.Group = *w.Group
	}
	if w.Locked != nil {
		e.Locked = *w.Locked
	}
	if e.Src, err = decodeSrc(w.Src, path, e.Kind); err != nil {
		return e, err
	}
	return e, nil
}

// decodeSrc validates an image's src: required on images, refused on every
// other kind. Whether the blob exists on the board is the room's question
// (it needs the store), asked after this.
func decodeSrc(src *string, path string, k Kind) (string, error) {
	if k != KindImage {
		if src != nil && *src != "" {
			return "", Errorf(CodeBadRequest, "%s.src is only for image", path)
		}
		return "", nil
	}
	if src == nil {
		return "", Errorf(CodeBadRequest, "%s.src is missing: an image needs \"blob:<sha256>\" of an uploaded blob", path)
	}
	if _, ok := BlobSHA(*src); !ok {
		return "", Errorf(CodeBadRequest, "%s.src must be \"blob:\" and the 64 lowercase hex digits of a blob's SHA-256", path)
	}
	return *src, nil
}

// decodeBinding validates a start or end binding ({"id":"<element id>"});
// absent and null are no binding. path names it ("ops[0].el.start").
func decodeBinding(raw json.RawMessage, path string, k Kind) (*Binding, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if !hasEnds(k) {
		return nil, Errorf(CodeBadRequest, "%s is only for line and arrow", path)
	}
	var w struct {
		ID *string `json:"id"`
	}
	if err := json.Unmarshal(raw, &w); err != nil || w.ID == nil || !validID(*w.ID) {
		return nil, Errorf(CodeBadRequest, "%s.id must be an element id of 1 to %d characters ({\"id\":\"…\"})", path, MaxElementIDLen)
	}
	return &Binding{ID: *w.ID}, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
