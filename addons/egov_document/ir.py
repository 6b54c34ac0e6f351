# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

# The models whose record rules name the user (classified documents are
# seen only by their readers)
USER_RULE_MODELS = {'egov.document', 'egov.document.file',
    'egov.document.version', 'egov.document.opinion',
    'egov.document.form_check'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in USER_RULE_MODELS:
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & USER_RULE_MODELS:
            key = (*key, Transaction().user)
        return key
