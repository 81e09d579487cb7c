namespace NatEdge.Proxy.Sip.Message;

/// <summary>CSeq = 1*DIGIT LWS Method (RFC 3261 section 20.16); the number is below 2**31 (section 8.1.1.5).</summary>
public readonly record struct SipCSeq(uint Number, SipMethod Method, TextRange MethodName);
