def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"<h1>" in response.data


def test_register_confirm_login(client, outbox, auth):
    response = client.post(
        "/auth/register",
        data={
            "display_name": "Leila Ben Salah",
            "username": "leila",
            "email": "leila@coop.example",
            "password": "jasmine grows in sfax",
            "confirm": "jasmine grows in sfax",
        },
    )
    assert response.status_code == 302, response.data
    link = outbox.last_link("leila@coop.example", "/auth/confirm/")
    assert client.get(link).status_code == 302
    response = auth.login("leila@coop.example", "jasmine grows in sfax")
    assert response.status_code == 302
