using NatEdge.Proxy.Modules.NatHelper;
using static NatEdge.Proxy.Tests.Modules.NatHelper.NatMessages;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>The SER mediaproxy module's client_nat_test bits (route-script.md section 5).</summary>
public sealed class ClientNatTestTests
{
    [Theory]
    [InlineData("sip:1000@192.168.1.10", true)]
    [InlineData("sip:1000@100.64.9.9", true)]
    [InlineData("sip:1000@198.51.100.7:40001", false)]
    public void Test_1_private_contact(string contact, bool expected) =>
        NatDetector.Any(Invite("198.51.100.7:40001", contact), From("198.51.100.7", 40001), ClientNatTests.ContactPrivate, sipAsymmetric: false).ShouldBe(expected);

    [Theory]
    [InlineData("192.168.1.10:5060", 5060, false, true)] // the IP differs
    [InlineData("198.51.100.7:5060", 40001, false, true)] // the port differs
    [InlineData("198.51.100.7:5060", 40001, true, false)] // ... but the client is SIP-asymmetric
    [InlineData("192.168.1.10:5060", 5060, true, true)] // an asymmetric client's IP still counts
    [InlineData("198.51.100.7:40001", 40001, false, false)]
    public void Test_2_source_differs_from_via(string sentBy, int sourcePort, bool asymmetric, bool expected) =>
        NatDetector.Any(Invite(sentBy, "sip:1000@198.51.100.7"), From("198.51.100.7", sourcePort), ClientNatTests.SourceDiffersFromVia, asymmetric).ShouldBe(expected);

    [Theory]
    [InlineData("10.1.1.1", true)]
    [InlineData("[fd00::1]:5060", true)]
    [InlineData("198.51.100.7", false)]
    public void Test_4_private_via(string sentBy, bool expected) =>
        NatDetector.Any(Invite(sentBy, "sip:1000@198.51.100.7"), From("198.51.100.7", 5060), ClientNatTests.ViaPrivate, sipAsymmetric: false).ShouldBe(expected);
}
