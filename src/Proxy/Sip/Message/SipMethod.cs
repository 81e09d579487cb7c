using System.Buffers.Binary;

namespace NatEdge.Proxy.Sip.Message;

/// <summary>Methods the proxy knows by name; anything else is <see cref="Extension"/> and kept as bytes.</summary>
public enum SipMethod : byte
{
    Extension = 0,
    Invite,
    Ack,
    Options,
    Bye,
    Cancel,
    Register,
    Prack,
    Subscribe,
    Notify,
    Publish,
    Info,
    Refer,
    Message,
    Update,
}

public static class SipMethods
{
    /// <summary>
    /// Method names are case-sensitive (RFC 3261 section 7.1), so a method is matched by comparing
    /// its bytes as one or two little-endian words: length first, then an 8-byte or 4-byte compare.
    /// </summary>
    public static SipMethod Parse(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 3:
                if (name.SequenceEqual("ACK"u8)) return SipMethod.Ack;
                if (name.SequenceEqual("BYE"u8)) return SipMethod.Bye;
                break;
            case 4:
                uint word = BinaryPrimitives.ReadUInt32LittleEndian(name);
                if (word == Word4("INFO"u8)) return SipMethod.Info;
                break;
            case 5:
                if (name.SequenceEqual("PRACK"u8)) return SipMethod.Prack;
                if (name.SequenceEqual("REFER"u8)) return SipMethod.Refer;
                break;
            case 6:
                if (name.SequenceEqual("INVITE"u8)) return SipMethod.Invite;
                if (name.SequenceEqual("CANCEL"u8)) return SipMethod.Cancel;
                if (name.SequenceEqual("NOTIFY"u8)) return SipMethod.Notify;
                if (name.SequenceEqual("UPDATE"u8)) return SipMethod.Update;
                break;
            case 7:
                if (name.SequenceEqual("OPTIONS"u8)) return SipMethod.Options;
                if (name.SequenceEqual("PUBLISH"u8)) return SipMethod.Publish;
                if (name.SequenceEqual("MESSAGE"u8)) return SipMethod.Message;
                break;
            case 8:
                ulong word8 = BinaryPrimitives.ReadUInt64LittleEndian(name);
                if (word8 == Word8("REGISTER"u8)) return SipMethod.Register;
                break;
            case 9:
                if (name.SequenceEqual("SUBSCRIBE"u8)) return SipMethod.Subscribe;
                break;
        }

        return SipMethod.Extension;
    }

    /// <summary>The method's name as sent on the wire; empty for <see cref="SipMethod.Extension"/>.</summary>
    public static ReadOnlySpan<byte> GetName(SipMethod method) => method switch
    {
        SipMethod.Invite => "INVITE"u8,
        SipMethod.Ack => "ACK"u8,
        SipMethod.Options => "OPTIONS"u8,
        SipMethod.Bye => "BYE"u8,
        SipMethod.Cancel => "CANCEL"u8,
        SipMethod.Register => "REGISTER"u8,
        SipMethod.Prack => "PRACK"u8,
        SipMethod.Subscribe => "SUBSCRIBE"u8,
        SipMethod.Notify => "NOTIFY"u8,
        SipMethod.Publish => "PUBLISH"u8,
        SipMethod.Info => "INFO"u8,
        SipMethod.Refer => "REFER"u8,
        SipMethod.Message => "MESSAGE"u8,
        SipMethod.Update => "UPDATE"u8,
        _ => [],
    };

    private static uint Word4(ReadOnlySpan<byte> text) => BinaryPrimitives.ReadUInt32LittleEndian(text);

    private static ulong Word8(ReadOnlySpan<byte> text) => BinaryPrimitives.ReadUInt64LittleEndian(text);
}
