using System.Text;
using NatEdge.MediaRelay.Monitoring;

namespace NatEdge.MediaRelay.Tests.Monitoring;

/// <summary>The request line of RFC 9112 §3: method SP request-target SP HTTP-version CRLF.</summary>
public class HttpRequestLineTests
{
    [Theory]
    [InlineData("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "/metrics")]
    [InlineData("GET /status.json?t=17 HTTP/1.1\r\n\r\n", "/status.json")]
    [InlineData("GET / HTTP/1.0\n\n", "/")]
    public void The_path_of_a_get_request_is_read_without_its_query(string request, string path) =>
        HttpRequestLine.Path(Encoding.ASCII.GetBytes(request)).ShouldBe(path);

    [Theory]
    [InlineData("POST /metrics HTTP/1.1\r\n\r\n")]
    [InlineData("GET /metrics")]
    [InlineData("GET http://host/metrics HTTP/1.1\r\n\r\n")]
    [InlineData("GET\r\n")]
    [InlineData("")]
    public void Anything_else_has_no_path(string request) =>
        HttpRequestLine.Path(Encoding.ASCII.GetBytes(request)).ShouldBeNull();
}
