package dev.rewind.auth;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A viewer signed in by Rewind's identity cookie. */
public final class ViewerAuthentication extends AbstractAuthenticationToken {
    private final ViewerIdentity viewer;

    ViewerAuthentication(ViewerIdentity viewer) {
        super(List.of(new SimpleGrantedAuthority("ROLE_VIEWER")));
        this.viewer = viewer;
        setAuthenticated(true);
    }

    @Override
    public ViewerIdentity getPrincipal() {
        return viewer;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return viewer.logName();
    }
}
