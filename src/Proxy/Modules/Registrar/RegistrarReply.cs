namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>Why save() could not apply a REGISTER; each value has one reply in <see cref="RegistrarReplies"/>.</summary>
public enum RegistrarError
{
    None,

    /// <summary>To header missing or not a SIP URI with a user.</summary>
    BadAddressOfRecord,

    /// <summary>A Contact value that does not parse.</summary>
    BadContact,

    /// <summary><c>Contact: *</c> together with other contacts or with an Expires other than 0 (RFC 3261 10.3 step 6).</summary>
    BadWildcard,

    /// <summary>An older CSeq for a Call-ID the binding already carries (RFC 3261 10.3 step 7).</summary>
    OutOfOrderCSeq,

    /// <summary>Expiry below min_expires with min_expires_mode 1.</summary>
    IntervalTooBrief,

    /// <summary>More bindings than max_contacts.</summary>
    TooManyContacts,

    /// <summary>The location store could not be read or written.</summary>
    StoreUnavailable,
}

/// <summary>The one place a registrar error becomes a status line (codes as SER/Kamailio's registrar sends them).</summary>
public static class RegistrarReplies
{
    public static (int Code, byte[] Reason) For(RegistrarError error) => error switch
    {
        RegistrarError.BadAddressOfRecord => (400, "Bad To Header"u8.ToArray()),
        RegistrarError.BadContact => (400, "Bad Contact"u8.ToArray()),
        RegistrarError.BadWildcard => (400, "Invalid Wildcard Contact"u8.ToArray()),
        RegistrarError.OutOfOrderCSeq => (400, "Invalid CSeq Number"u8.ToArray()),
        RegistrarError.IntervalTooBrief => (423, "Interval Too Brief"u8.ToArray()),
        RegistrarError.TooManyContacts => (503, "Too Many Registered Contacts"u8.ToArray()),
        _ => (500, "Server Internal Error"u8.ToArray()),
    };
}
