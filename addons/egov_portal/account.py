# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The citizen's account: register (with e-mail verification through
web_user), log in and out, reset the password, profile (name, CCCD, phone,
address).  Accounts are ``web.user`` records linked to their own party:
registration always creates a new party, never attaches an existing one
(a typed CCCD is a claim, not a proof)."""
import re
import urllib.parse

from trytond.exceptions import UserError
from trytond.modules.egov_procedure import eform

from .web import FormInvalid, _, route

EMAIL = eform.EMAIL
MAX_NAME = 120


def _next_url(value):
    "A local portal address to go to after logging in, else None"
    if not value:
        return None
    parts = urllib.parse.urlsplit(value)
    if (parts.scheme or parts.netloc or not parts.path.startswith('/portal/')
            or '\\' in value or '//' in parts.path):
        return None
    return value


def _error(field, message):
    return {'field': field, 'message': message}


def _clean_email(value):
    return (value or '').strip().lower()[:254]


def _check_password(errors, password, confirm, field='password'):
    if not password:
        errors.append(_error(field, _("Enter a password.")))
    elif password != confirm:
        errors.append(_error(field + '-confirm',
                _("The two passwords are not the same.")))


def _password_errors(exception, field='password'):
    "The message of Tryton's password rules, on the password field"
    return [_error(field, exception.message)]


@route('/tai-khoan/dang-ky', methods=('GET', 'POST'))
def register(portal):
    pool = portal.pool
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    if portal.user:
        return portal.redirect('/tai-khoan')
    values = {'name': '', 'email': '', 'phone': ''}
    if portal.request.method == 'GET':
        return portal.render('account/register.html', values=values)
    form = portal.form
    values = {
        'name': ' '.join((form.get('name') or '').split())[:MAX_NAME],
        'email': _clean_email(form.get('email')),
        'phone': (form.get('phone') or '').strip()[:20],
        }
    password = form.get('password') or ''
    errors = []
    if not values['name']:
        errors.append(_error('name', _("Enter your full name.")))
    if not EMAIL.fullmatch(values['email']):
        errors.append(_error('email', _(
                    "Enter an e-mail address like name@example.com.")))
    if values['phone'] and not eform.normalize_phone(values['phone']):
        errors.append(_error('phone', _(
                    "Enter a Vietnamese phone number like 0912345678.")))
    _check_password(errors, password, form.get('password-confirm') or '')
    if not form.get('accept'):
        errors.append(_error('accept', _(
                    "Accept the terms of use to create an account.")))
    if not errors:
        try:
            WebUser.check_portal_password(
                password, values['name'], values['email'])
        except UserError as exception:
            errors.extend(_password_errors(exception))
    if errors:
        raise FormInvalid('account/register.html', {'values': values}, errors)
    if WebUser.search([('email', '=', values['email'])], limit=1):
        # Say the same as for a new account: the page must not tell who
        # has an account; the owner gets an e-mail as usual
        return portal.render('account/check_email.html',
            email=values['email'])
    contacts = [('create', [{'type': 'email', 'value': values['email']}])]
    if values['phone']:
        contacts[0][1].append({'type': 'mobile',
                'value': eform.normalize_phone(values['phone'])})
    party, = Party.create([{
                'name': values['name'],
                'contact_mechanisms': contacts,
                }])
    try:
        user, = WebUser.create([{
                    'email': values['email'],
                    'password': password,
                    'party': party.id,
                    }])
    except UserError as exception:
        raise FormInvalid('account/register.html', {'values': values},
            _password_errors(exception))
    WebUser.validate_email([user])
    return portal.render('account/check_email.html', email=values['email'])


@route('/tai-khoan/xac-thuc', readonly=False)
def validate_email(portal):
    pool = portal.pool
    WebUser = pool.get('web.user')
    token = (portal.request.args.get('token') or '')[:128]
    users = WebUser.validate_email_token([token]) if token else []
    return portal.render('account/validated.html', valid=bool(users))


@route('/tai-khoan/dang-nhap', methods=('GET', 'POST'))
def login(portal):
    pool = portal.pool
    WebUser = pool.get('web.user')
    next_ = _next_url(portal.request.values.get('next'))
    if portal.request.method == 'GET':
        if portal.user:
            return portal.redirect(next_[len('/portal'):] if next_ else '/')
        return portal.render('account/login.html', email='', next=next_)
    email = _clean_email(portal.form.get('email'))
    password = portal.form.get('password') or ''
    values = {'email': email, 'next': next_}
    if not email or not password:
        errors = []
        if not email:
            errors.append(_error('email', _("Enter your e-mail address.")))
        if not password:
            errors.append(_error('password', _("Enter your password.")))
        raise FormInvalid('account/login.html', values, errors)
    user = WebUser.authenticate(email, password)
    if not user:
        return portal.render('account/login.html', status=400,
            errors=[_error('email', _(
                        "The e-mail address or the password is not "
                        "correct."))], **values)
    if not user.email_valid:
        return portal.render('account/login.html', status=400,
            errors=[_error(None, _(
                        "Confirm your e-mail address first: open the link "
                        "of the e-mail we sent you. You can ask for a new "
                        "one below."))], unconfirmed=True, **values)
    portal.login(user)
    return portal.redirect(next_[len('/portal'):] if next_ else '/ho-so')


@route('/tai-khoan/gui-lai-xac-thuc', methods=('POST',))
def resend_validation(portal):
    pool = portal.pool
    WebUser = pool.get('web.user')
    email = _clean_email(portal.form.get('email'))
    users = WebUser.search([
            ('email', '=', email), ('email_valid', '=', False)], limit=1)
    if users:
        WebUser.validate_email(users)
    return portal.render('account/check_email.html', email=email)


@route('/tai-khoan/dang-xuat', methods=('POST',))
def logout(portal):
    portal.logout()
    return portal.redirect('/')


@route('/tai-khoan/quen-mat-khau', methods=('GET', 'POST'))
def forgotten_password(portal):
    pool = portal.pool
    WebUser = pool.get('web.user')
    if portal.request.method == 'GET':
        return portal.render('account/forgotten.html', email='')
    email = _clean_email(portal.form.get('email'))
    if not EMAIL.fullmatch(email):
        raise FormInvalid('account/forgotten.html', {'email': email}, [
                _error('email', _(
                        "Enter an e-mail address like name@example.com."))])
    users = WebUser.search([('email', '=', email)], limit=1)
    if users:
        WebUser.reset_password(users)
    # The same answer whether the account exists or not
    return portal.render('account/forgotten_sent.html', email=email)


@route('/tai-khoan/dat-lai-mat-khau', methods=('GET', 'POST'))
def reset_password(portal):
    pool = portal.pool
    WebUser = pool.get('web.user')
    values = portal.request.values
    email = _clean_email(values.get('email'))
    token = (values.get('token') or '')[:128]
    context = {'email': email, 'token': token}
    if portal.request.method == 'GET':
        return portal.render('account/reset.html', **context)
    errors = []
    password = portal.form.get('password') or ''
    _check_password(errors, password, portal.form.get('password-confirm'))
    if not errors:
        try:
            WebUser.check_portal_password(password, email=email)
        except UserError as exception:
            errors.extend(_password_errors(exception))
    if errors:
        raise FormInvalid('account/reset.html', context, errors)
    try:
        done = bool(email and token) and WebUser.set_password_token(
            email, token, password)
    except UserError as exception:
        raise FormInvalid('account/reset.html', context,
            _password_errors(exception))
    if not done:
        return portal.render('account/reset.html', status=400, errors=[
                _error(None, _("The link to reset the password is not "
                        "valid or has expired. Ask for a new one."))],
            **context)
    return portal.render('account/reset_done.html')


def profile_values(party, user):
    cccd = [i.code for i in party.identifiers if i.type == 'vn_cccd']
    tax = [i.code for i in party.identifiers if i.type == 'vn_mst']
    street = ''
    if party.addresses:
        street = party.addresses[0].street or ''
    return {
        'name': party.name or '',
        'cccd': cccd[0] if cccd else '',
        'tax_code': tax[0] if tax else '',
        'phone': next((c.value for c in party.contact_mechanisms
                    if c.type in {'mobile', 'phone'}), ''),
        'address': street,
        'email': user.email,
        }


@route('/tai-khoan', methods=('GET', 'POST'), login=True)
def profile(portal):
    pool = portal.pool
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    Contact = pool.get('party.contact_mechanism')
    Address = pool.get('party.address')
    party = portal.party
    if party is None:
        party, = Party.create([{'name': portal.user.email}])
        portal.user.party = party
        portal.user.save()
    if portal.request.method == 'GET':
        return portal.render('account/profile.html',
            values=profile_values(party, portal.user),
            saved=portal.request.args.get('da-luu') == '1')
    form = portal.form
    values = {
        'name': ' '.join((form.get('name') or '').split())[:MAX_NAME],
        'cccd': re.sub(r'\s', '', form.get('cccd') or '')[:12],
        'tax_code': re.sub(r'\s', '', form.get('tax_code') or '')[:14],
        'phone': (form.get('phone') or '').strip()[:20],
        'address': ' '.join((form.get('address') or '').split())[:250],
        'email': portal.user.email,
        }
    errors = []
    if not values['name']:
        errors.append(_error('name', _("Enter your full name.")))
    if values['cccd'] and not eform.is_valid_cccd(values['cccd']):
        errors.append(_error('cccd', _(
                    "Enter the 12 digits of your citizen identity card "
                    "(CCCD).")))
    if values['tax_code'] and not eform.is_valid_tax_code(
            values['tax_code']):
        errors.append(_error('tax_code', _(
                    "Enter a valid tax code (10 digits, or 10 digits, a "
                    "dash and 3 digits).")))
    phone = None
    if values['phone']:
        phone = eform.normalize_phone(values['phone'])
        if not phone:
            errors.append(_error('phone', _(
                        "Enter a Vietnamese phone number like "
                        "0912345678.")))
    if errors:
        raise FormInvalid('account/profile.html', {'values': values,
                'saved': False}, errors)
    party.name = values['name']
    party.save()
    for type_, code in [('vn_cccd', values['cccd']),
            ('vn_mst', values['tax_code'])]:
        existing = [i for i in party.identifiers if i.type == type_]
        if code:
            if existing:
                existing[0].code = code
                existing[0].save()
            else:
                Identifier.create([{
                            'party': party.id, 'type': type_,
                            'code': code}])
        elif existing:
            Identifier.delete(existing)
    phones = [c for c in party.contact_mechanisms
        if c.type in {'mobile', 'phone'}]
    if phone:
        if phones:
            phones[0].value = phone
            phones[0].save()
        else:
            Contact.create([{
                        'party': party.id, 'type': 'mobile',
                        'value': phone}])
    if values['address']:
        if party.addresses:
            address = party.addresses[0]
            address.street = values['address']
            address.save()
        else:
            Address.create([{
                        'party': party.id, 'street': values['address']}])
    return portal.redirect('/tai-khoan', **{'da-luu': '1'})
