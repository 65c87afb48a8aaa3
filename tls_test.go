package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
)

// selfSignedCert writes a fresh ECDSA certificate for 127.0.0.1 and its key
// into dir and returns their paths and a pool that trusts the certificate.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "easel test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// clientFor returns an HTTP client that trusts only pool (nil: no TLS
// settings) and closes its idle connections when the test ends.
func clientFor(t *testing.T, pool *x509.CertPool) *http.Client {
	tr := &http.Transport{}
	if pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// With --tls-cert and --tls-key the binary serves HTTPS and WSS: pages
// carry HSTS, the API works, a socket says hello and is welcomed, and plain
// HTTP on the same port gets no page.
func TestTLSServesHTTPSAndWSS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSignedCert(t, dir)
	addr, stop := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--tls-cert", certFile, "--tls-key", keyFile}, nil)
	client := clientFor(t, pool)

	res, err := client.Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET https://…/ = %d", res.StatusCode)
	}
	if res.TLS == nil {
		t.Fatal("GET https://…/ was not served over TLS")
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q, want max-age=…", hsts)
	}

	// Create a board through the API.
	res, err = client.Post("https://"+addr+"/api/boards", "application/json", strings.NewReader(`{"title":"TLS"}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID      string `json:"id"`
		EditURL string `json:"editUrl"`
	}
	err = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated || !strings.HasPrefix(created.EditURL, "/b/") {
		t.Fatalf("POST /api/boards = %d %+v (%v)", res.StatusCode, created, err)
	}

	// WSS: handshake, hello, welcome.
	conn, _, err := protoclient.Dial(context.Background(), "wss://"+addr+created.EditURL+"/ws", protoclient.Options{HandshakeTimeout: 5 * time.Second,
		TLS: &tls.Config{RootCAs: pool}, Subprotocols: []string{protoclient.Subprotocol}})
	if err != nil {
		t.Fatalf("dial wss: %v", err)
	}
	defer conn.Close()
	if conn.Subprotocol() != "easel.v1" {
		t.Errorf("subprotocol %q, want easel.v1", conn.Subprotocol())
	}
	if err := conn.Send(protoclient.Hello{Name: "tls", Color: "#123456"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	welcomed := false
	for !welcomed {
		_, data, err := conn.ReadFrame(deadline)
		if err != nil {
			t.Fatalf("no welcome over wss: %v", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			var m struct {
				Type string `json:"type"`
				You  string `json:"you"`
			}
			if json.Unmarshal([]byte(line), &m) == nil && m.Type == "welcome" && m.You != "" {
				welcomed = true
			}
		}
	}

	// A client that does not trust the certificate is refused.
	if res, err := clientFor(t, x509.NewCertPool()).Get("https://" + addr + "/"); err == nil {
		res.Body.Close()
		t.Error("a client trusting nothing got through: the server did not present the test certificate")
	} else if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusting client failed with %v, want a certificate error", err)
	}

	// Plain HTTP on the TLS port gets net/http's 400, no page.
	res, err = clientFor(t, nil).Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || strings.Contains(strings.ToLower(string(body)), "<html") {
		t.Errorf("plain http to the TLS port = %d %q, want 400 and no page", res.StatusCode, body)
	}

	conn.Close()
	if err := stop(); err != nil {
		t.Fatalf("run returned %v after shutdown", err)
	}
}

// Without TLS the binary does not send HSTS: over plain HTTP it would be
// ignored by browsers at best, and pin a host that has no HTTPS at worst.
func TestRunWithoutTLSSendsNoHSTS(t *testing.T) {
	addr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, nil)
	res, err := clientFor(t, nil).Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); hsts != "" {
		t.Errorf("plain HTTP response carries Strict-Transport-Security: %q", hsts)
	}
}

// A certificate without its key, or a key without its certificate, is a
// configuration error at start-up, not a server silently without TLS.
func TestRunTLSCertAndKeyGoTogether(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSignedCert(t, dir)
	for _, test := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"cert flag only", []string{"--tls-cert", certFile}, nil},
		{"key flag only", []string{"--tls-key", keyFile}, nil},
		{"cert env only", nil, map[string]string{"EASEL_TLS_CERT": certFile}},
		{"key env only", nil, map[string]string{"EASEL_TLS_KEY": keyFile}},
	} {
		t.Run(test.name, func(t *testing.T) {
			args := append([]string{"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data")}, test.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, args, func(k string) string { return test.env[k] }, io.Discard)
			if err == nil || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("run = %v, want a configuration error", err)
			}
			if !strings.Contains(err.Error(), "--tls-cert and --tls-key go together") {
				t.Errorf("run = %v, want it to say --tls-cert and --tls-key go together", err)
			}
		})
	}
}

// A certificate that cannot be read, or a key that does not match it, stops
// the start before anything listens, with the reason.
func TestRunRefusesAnUnusableCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSignedCert(t, dir)
	otherDir := t.TempDir()
	_, otherKey, _ := selfSignedCert(t, otherDir)
	for _, test := range []struct {
		name, cert, key string
	}{
		{"missing certificate file", filepath.Join(dir, "nope.pem"), keyFile},
		{"key of another certificate", certFile, otherKey},
	} {
		t.Run(test.name, func(t *testing.T) {
			var out strings.Builder
			args := []string{"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--tls-cert", test.cert, "--tls-key", test.key}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, args, func(string) string { return "" }, &out)
			if err == nil || !strings.Contains(err.Error(), "--tls-cert/--tls-key") {
				t.Fatalf("run = %v, want a certificate error", err)
			}
			if strings.Contains(out.String(), "listening") {
				t.Errorf("logged listening before refusing the certificate:\n%s", out.String())
			}
		})
	}
}
