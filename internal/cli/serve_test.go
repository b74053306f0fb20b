package cli_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/cli"
)

// opus serve listens, answers, and stops cleanly when its context ends
// (SIGTERM in the binary).
func TestServeStartsAndStopsGracefully(t *testing.T) {
	newEnv(t)
	var started struct {
		Addr    string `json:"addr"`
		Workers int    `json:"workers"`
	}
	stop := startServe(t, &started, "--addr", "127.0.0.1:0", "--json")
	assert.Equal(t, 2, started.Workers)

	resp, err := http.Get("http://" + started.Addr + "/healthz")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get("http://" + started.Addr + "/v1/documents")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	stop()
}

// startServe runs opus serve with args until stop, which checks that it
// stops cleanly when its context ends (SIGTERM in the binary); started gets
// the JSON line serve prints once it listens.
func startServe(t *testing.T, started any, args ...string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out, w := io.Pipe()
	var errb strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, append([]string{"serve"}, args...), cli.Stdio{In: strings.NewReader(""), Out: w, Err: &errb})
		_ = w.Close()
	}()
	require.NoError(t, json.NewDecoder(bufio.NewReader(out)).Decode(started))
	return func() {
		t.Helper()
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, 0, code, errb.String())
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, PEM-encoded.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "opus test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// --tls-cert/--tls-key serve HTTPS; a plain HTTP request is refused, and a
// bad pair of files is an error before anything starts.
func TestServeTLS(t *testing.T) {
	e := newEnv(t)
	certFile, keyFile, pool := selfSigned(t, e.home)
	assert.Equal(t, 2, e.run("serve", "--tls-cert", certFile).code, "a certificate needs its key")
	r := e.run("serve", "--tls-cert", certFile, "--tls-key", certFile)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--tls-key")

	var started struct {
		Addr string `json:"addr"`
		URL  string `json:"url"`
	}
	stop := startServe(t, &started, "--addr", "127.0.0.1:0", "--workers", "0", "--json", "--tls-cert", certFile, "--tls-key", keyFile)
	assert.Equal(t, "https://"+started.Addr+"/v1", started.URL)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	resp, err := client.Get("https://" + started.Addr + "/healthz")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get("http://" + started.Addr + "/healthz")
	if err == nil {
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "plain HTTP to an HTTPS server")
	}
	stop()
}
